import './etiquetas.css';
import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Alert, Anchor, Button, Group, Paper, SegmentedControl, Stack, Table, Text, TextInput } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconDownload, IconPrinter } from '@tabler/icons-react';
import { useLabelBatches, useLabels } from '../../api/queries/labels';
import type { ShelfLabel } from '../../api/views-ops';
import { PageHeader } from '../../components/PageHeader';
import { QueryState } from '../../components/QueryState';
import { formatDateTime, formatInteger, formatMoney } from '../../lib/format';

type Format = 'a4' | '58' | '80';
const formats: { value: Format; label: string }[] = [
  { value: 'a4', label: 'Hoja A4' },
  { value: '58', label: 'Térmica 58 mm' },
  { value: '80', label: 'Térmica 80 mm' },
];
const pageRule: Record<Format, string> = {
  a4: '@page { size: A4; margin: 8mm; }',
  '58': '@page { size: 58mm 40mm; margin: 2mm; }',
  '80': '@page { size: 80mm 45mm; margin: 2mm; }',
};
const perLabel = { kg: 'kilo', l: 'litro' } as const;

/** The server-rendered PDF of the same labels (GET with the session cookie, saved as a file). */
const pdfHref = (source: { batch: string } | { skus: string[] }, format: Format) => {
  const q = new URLSearchParams('batch' in source ? { batch: source.batch } : { skus: source.skus.join(',') });
  q.set('format', format);
  return `/v1/labels/pdf?${q.toString()}`;
};

/** One shelf label (Ley 27.743): final price, price without national taxes, price per kg/l, barcode. */
export function Label({ l }: { l: ShelfLabel }) {
  return (
    <article className="shelf-label" aria-label={`Etiqueta de ${l.name}`}>
      <div className="name">{l.name}</div>
      <div className="price">{formatMoney(l.price)}</div>
      <div className="small">Precio sin impuestos nacionales: {formatMoney(l.priceWithoutNationalTaxes)}</div>
      {l.unitPrice && l.unitPricePer && (
        <div className="small">
          Precio por {perLabel[l.unitPricePer]}: {formatMoney(l.unitPrice)}
        </div>
      )}
      {l.barcodeSvg ? (
        <img className="barcode" src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(l.barcodeSvg)}`} alt={`Código de barras ${l.barcode}`} />
      ) : (
        <div className="small">SKU {l.sku}</div>
      )}
    </article>
  );
}

/** Etiquetas: labels of a repricing run or of chosen products, as an A4 sheet or thermal labels. */
export default function EtiquetasPage() {
  const [params, setParams] = useSearchParams();
  const batch = params.get('lote');
  const skus = params.get('skus')?.split(',').filter(Boolean) ?? [];
  const format = (params.get('formato') as Format | null) ?? 'a4';
  const source = batch ? { batch } : skus.length ? { skus } : null;
  const labels = useLabels(source);
  const [skuText, setSkuText] = useState(skus.join(', '));
  const set = (k: string, v: string | null) =>
    setParams((p) => {
      const n = new URLSearchParams(p);
      if (v) n.set(k, v);
      else n.delete(k);
      return n;
    });
  const style = useMemo(() => pageRule[format], [format]);
  // "Térmica 80 mm" does not fit three abreast on a 360-px phone: the short names there.
  const phone = useMediaQuery('(max-width: 30em)', false, { getInitialValueInEffect: false });

  return (
    <>
      <style>{`@media print { ${style} }`}</style>
      <PageHeader
        title="Etiquetas"
        description="Etiquetas de góndola (Ley 27.743): precio final, precio sin impuestos nacionales, precio por kilo o litro y código de barras."
        actions={
          source && (
            <>
              <Button component="a" href={pdfHref(source, format)} download variant="default" leftSection={<IconDownload size={18} />}>
                Descargar PDF
              </Button>
              <Button leftSection={<IconPrinter size={18} />} onClick={() => window.print()}>
                Imprimir
              </Button>
            </>
          )
        }
      />
      <Stack gap="md" className="no-print" mb="md">
        <SegmentedControl data={phone ? formats.map((f) => ({ ...f, label: f.label.replace(/^(Hoja|Térmica) /, '') })) : formats} value={format} onChange={(v) => set('formato', v)} aria-label="Formato de impresión" fullWidth />
        <Paper withBorder p="sm" radius="md">
          <form
            onSubmit={(e) => {
              e.preventDefault();
              const list = skuText.split(/[\s,;]+/).map((s) => s.trim()).filter(Boolean);
              setParams((p) => {
                const n = new URLSearchParams(p);
                n.delete('lote');
                if (list.length) n.set('skus', list.join(','));
                else n.delete('skus');
                return n;
              });
            }}
          >
            <Group align="flex-end" wrap="wrap">
              <TextInput label="Productos elegidos (SKU separados por coma)" value={skuText} onChange={(e) => setSkuText(e.currentTarget.value)} style={{ flex: 1, minWidth: 220 }} />
              <Button type="submit" variant="default">
                Ver etiquetas
              </Button>
            </Group>
          </form>
        </Paper>
        {!source && <Batches />}
        {batch && (
          <Text size="sm">
            Etiquetas del lote {batch}. <Anchor component={Link} to="/etiquetas">Elegir otro lote</Anchor>
          </Text>
        )}
      </Stack>
      {source && (
        <QueryState query={labels} isEmpty={(d) => d.items.length === 0} empty="No hay etiquetas para imprimir: ningún precio cambió o los productos no tienen precio.">
          {(d) => (
            <Stack gap="sm">
              {d.unpriced.length > 0 && (
                <Alert color="orange" className="no-print">
                  Sin precio todavía (no se imprimen): {d.unpriced.join(', ')}
                </Alert>
              )}
              {d.truncated && (
                <Alert color="orange" className="no-print">
                  El lote tiene más etiquetas de las que se muestran juntas; imprimí por categoría.
                </Alert>
              )}
              <Text size="sm" c="dimmed" className="no-print">
                {formatInteger(d.items.length)} etiquetas
              </Text>
              <section className="label-sheet" data-format={format} aria-label="Hoja de etiquetas">
                {d.items.map((l) => (
                  <Label key={l.sku} l={l} />
                ))}
              </section>
            </Stack>
          )}
        </QueryState>
      )}
    </>
  );
}

function Batches() {
  const batches = useLabelBatches();
  return (
    <Paper withBorder p="sm" radius="md">
      <Text fw={600} mb="xs">
        Lotes de etiquetas de los últimos recálculos
      </Text>
      <QueryState query={batches} isEmpty={(d) => d.items.length === 0} empty="Todavía no hubo recálculos de precios.">
        {(d) => (
          <Table.ScrollContainer minWidth={320}>
            <Table verticalSpacing={6}>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Fecha</Table.Th>
                  <Table.Th>Motivo</Table.Th>
                  <Table.Th ta="right">Etiquetas</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {d.items.map((b) => (
                  <Table.Tr key={b.id}>
                    <Table.Td>{formatDateTime(b.createdAt)}</Table.Td>
                    <Table.Td>
                      <Anchor component={Link} to={`/etiquetas?lote=${b.id}`}>
                        {b.reason}
                      </Anchor>
                    </Table.Td>
                    <Table.Td ta="right">{formatInteger(b.productCount)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </QueryState>
    </Paper>
  );
}
