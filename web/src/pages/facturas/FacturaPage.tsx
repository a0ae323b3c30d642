import { useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { Alert, Anchor, Badge, Button, Group, Modal, NumberInput, Paper, Select, SimpleGrid, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useMutation, useQuery } from '@tanstack/react-query';
import { IconAlertTriangle, IconCheck } from '@tabler/icons-react';
import { api, unwrap } from '../../api/client';
import { useApproveInvoicePrices, useCorrectInvoice, useInvoice, usePostInvoice, usePostingResult, type InvoicePatch } from '../../api/queries/invoices';
import type { Product } from '../../api/views';
import type { InvoiceField, InvoiceLine, InvoiceView } from '../../api/views-ops';
import { useAuth } from '../../auth/auth';
import { PageHeader } from '../../components/PageHeader';
import { ErrorAlert, QueryState } from '../../components/QueryState';
import { formatDateTime, formatMoney, formatNumber, formatPercent, formatQuantity, formatSignedPercent } from '../../lib/format';
import { OriginalViewer } from './OriginalViewer';
import { StatusBadge } from './FacturasPage';

const LOW_CONFIDENCE = 0.8;
/** "+10,0 %" / "−3,5 %" from two decimal strings. */
const changeText = (before: string, after: string) => formatSignedPercent(((Number(after) - Number(before)) / Number(before)) * 100);
const fieldLabels: [key: string, label: string, editable: boolean][] = [
  ['issuerName', 'Proveedor', false],
  ['issuerCuit', 'CUIT del proveedor', true],
  ['letter', 'Letra', true],
  ['type', 'Tipo de comprobante', true],
  ['pointOfSale', 'Punto de venta', true],
  ['number', 'Número', true],
  ['issueDate', 'Fecha', true],
  ['total', 'Total', true],
  ['cae', 'CAE', true],
  ['caeDueDate', 'Vencimiento del CAE', true],
];
const matchByLabel: Record<string, string> = { barcode: 'por código de barras', supplier_code: 'por código del proveedor', alias: 'como la vez anterior', manual: 'elegido a mano', fuzzy: 'parecido' };
const sourceLabel: Record<string, string> = { qr: 'QR fiscal', text: 'Texto del PDF', ocr: 'Lectura de la foto', manual: 'Corregido a mano' };

interface LineEdit {
  sku?: string;
  packUnits?: number;
}

/** Review of one invoice: original beside the fields, lines with their products, corrections, posting. */
export default function FacturaPage() {
  const { id = '' } = useParams();
  const invoice = useInvoice(id);
  return (
    <>
      <PageHeader title="Revisar factura" description={<Anchor component={Link} to="/facturas">Volver a Facturas</Anchor>} />
      <QueryState query={invoice}>{(inv) => <Review inv={inv} />}</QueryState>
    </>
  );
}

function Review({ inv }: { inv: InvoiceView }) {
  const { can } = useAuth();
  const editable = can('invoices:write') && (inv.status === 'needs_review' || inv.status === 'ready');
  const [fields, setFields] = useState<Record<string, string>>({});
  const [lines, setLines] = useState<Record<number, LineEdit>>({});
  const correct = useCorrectInvoice(inv.id);
  const post = usePostInvoice(inv.id);
  const approve = useApproveInvoicePrices(inv.id);
  const [confirming, setConfirming] = useState(false);
  const dirty = Object.keys(fields).length > 0 || Object.keys(lines).length > 0;
  const busy = inv.status === 'queued' || inv.status === 'extracting' || inv.status === 'posting';

  const save = (after?: () => void) => {
    const patch: InvoicePatch = {};
    if (Object.keys(fields).length) patch.fields = Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, ['type', 'pointOfSale', 'number'].includes(k) ? Number(v) : v]));
    if (Object.keys(lines).length) patch.lines = Object.entries(lines).map(([lineNo, e]) => ({ lineNo: Number(lineNo), ...e }));
    correct.mutate(patch, {
      onSuccess: () => {
        setFields({});
        setLines({});
        after?.();
      },
    });
  };
  const unmatched = inv.lines.filter((l) => !l.match && !lines[l.lineNo]?.sku).length;
  // Costs past the band change shelf prices: a price role approves them before a stock role posts.
  const outside = inv.lines.filter((l) => l.outsideBand);
  const approval = inv.priceApproval;
  const needsApproval = outside.length > 0 && approval.approvedAt === null;
  const blockedByApproval = needsApproval && !can('invoices:approvePrices');
  const check = (inv.extraction as { totalsCheck?: { ok: boolean; checked: boolean; expectedTotal: string; deviation: number } | null } | null)?.totalsCheck;

  return (
    <Stack gap="md">
      <Group gap="sm">
        <StatusBadge status={inv.status} />
        {inv.confidence !== null && <Text size="sm">Confianza general {formatPercent(inv.confidence * 100)}</Text>}
      </Group>
      {busy && <Alert color="blue">{inv.status === 'posting' ? 'Cargando el stock y los costos…' : 'Leyendo la factura…'} Esta página se actualiza sola.</Alert>}
      {inv.status === 'failed' && <Alert color="red" title="No se pudo leer">{inv.reason === 'extraction_timeout' ? 'La lectura tardó demasiado. Probá con una foto más nítida o el PDF.' : inv.reason}</Alert>}
      {inv.duplicateOf && (
        <Alert color="red" title="Factura duplicada" icon={<IconAlertTriangle />}>
          Esta factura ya estaba cargada. <Anchor component={Link} to={`/facturas/${inv.duplicateOf}`}>Ver la original</Anchor>
        </Alert>
      )}
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <OriginalViewer id={inv.id} />
        <Paper withBorder p="sm" radius="md">
          <Title order={2} fz="h4" mb="xs">
            Datos de la factura
          </Title>
          <Stack gap={6}>
            {fieldLabels.map(([key, label, canEdit]) => {
              const f = inv.fields[key] as InvoiceField | undefined;
              const low = !f || f.confidence < LOW_CONFIDENCE;
              return (
                <Group key={key} gap="xs" wrap="nowrap" align="flex-end" p={4} style={low ? { background: 'var(--mantine-color-orange-0)', borderRadius: 4 } : undefined}>
                  {editable && canEdit ? (
                    <TextInput
                      label={label}
                      value={fields[key] ?? (f ? String(f.value) : '')}
                      onChange={(e) => setFields({ ...fields, [key]: e.currentTarget.value })}
                      style={{ flex: 1 }}
                      error={low ? 'Revisar: lectura dudosa' : undefined}
                    />
                  ) : (
                    <Stack gap={0} style={{ flex: 1 }}>
                      <Text size="sm" c="dimmed">
                        {label}
                      </Text>
                      <Text>{f ? (key === 'total' ? formatMoney(String(f.value)) : String(f.value)) : '—'}</Text>
                    </Stack>
                  )}
                  {f && (
                    <Stack gap={0} align="flex-end" miw={110}>
                      <Badge variant="light" color={f.source === 'qr' ? 'green' : f.source === 'ocr' ? 'orange' : 'blue'}>
                        {sourceLabel[f.source] ?? f.source}
                      </Badge>
                      <Text size="xs" c={low ? 'var(--mantine-color-orange-light-color)' : 'dimmed'} fw={low ? 700 : undefined}>
                        {formatPercent(f.confidence * 100)} de confianza
                      </Text>
                    </Stack>
                  )}
                </Group>
              );
            })}
          </Stack>
          {check && (
            <Alert mt="sm" color={check.ok ? 'green' : 'orange'} icon={check.ok ? <IconCheck /> : <IconAlertTriangle />} title={check.ok ? 'Los importes cierran' : 'Los importes no cierran'}>
              Suma de las líneas más impuestos: {formatMoney(check.expectedTotal)} · total de la factura: {formatMoney(String((inv.fields.total as InvoiceField | undefined)?.value ?? ''))}
              {!check.ok && ` (diferencia ${formatPercent(check.deviation * 100)}). Revisá cantidades y precios.`}
            </Alert>
          )}
        </Paper>
      </SimpleGrid>

      <Paper withBorder p="sm" radius="md">
        <Title order={2} fz="h4" mb="xs">
          Líneas
        </Title>
        <Stack gap="xs">
          {inv.lines.map((l) => (
            <LineRow key={l.lineNo} line={l} edit={lines[l.lineNo]} editable={editable} onChange={(e) => setLines({ ...lines, [l.lineNo]: { ...lines[l.lineNo], ...e } })} />
          ))}
        </Stack>
      </Paper>

      {correct.error && <ErrorAlert error={correct.error} />}
      {post.error && <ErrorAlert error={post.error} />}
      {approve.error && <ErrorAlert error={approve.error} />}
      {editable && outside.length > 0 && (
        <Alert
          color={needsApproval ? 'orange' : 'green'}
          icon={needsApproval ? <IconAlertTriangle /> : <IconCheck />}
          title={needsApproval ? `Costos que cambian más de ${approval.bandPct} %` : 'Costos aprobados'}
        >
          <Stack gap={4}>
            {outside.map((l) => (
              <Text key={l.lineNo} size="sm">
                Línea {l.lineNo} ({l.match?.sku}): {l.currentCost === null ? 'primer costo' : formatMoney(l.currentCost)} → {l.newCost === null ? '—' : formatMoney(l.newCost)}
                {l.currentCost !== null && l.newCost !== null && Number(l.currentCost) > 0 && ` (${changeText(l.currentCost, l.newCost)})`}
              </Text>
            ))}
            <Text size="sm" fw={600}>
              {!needsApproval
                ? `Aprobados por ${approval.approvedBy ?? 'Negocio'}${approval.approvedAt ? ` el ${formatDateTime(approval.approvedAt)}` : ''}. Un usuario de Depósito ya puede cargar la factura.`
                : can('invoices:approvePrices')
                  ? 'Cambian los precios de góndola: revisalos y tocá «Aprobar costos» para que Depósito pueda cargar la factura.'
                  : 'Cambian los precios de góndola: un usuario de Negocio tiene que aprobar estos costos antes de que puedas cargar la factura. Avisale; la factura queda esperando acá.'}
            </Text>
          </Stack>
        </Alert>
      )}
      {editable && (
        <Group className="no-print" wrap="wrap">
          <Button variant="default" loading={correct.isPending} onClick={() => save()}>
            Guardar correcciones
          </Button>
          {can('invoices:post') ? (
            <Button disabled={unmatched > 0 || blockedByApproval} onClick={() => setConfirming(true)}>
              Cargar factura
            </Button>
          ) : (
            <Text size="sm" c="dimmed">La carga al stock la hace un usuario de Depósito.</Text>
          )}
          {can('invoices:approvePrices') && needsApproval && (
            <Button variant="light" loading={approve.isPending} disabled={dirty} title={dirty ? 'Guardá las correcciones antes de aprobar' : undefined} onClick={() => approve.mutate()}>
              Aprobar costos
            </Button>
          )}
          {unmatched > 0 && <Text size="sm" c="var(--mantine-color-orange-light-color)">Faltan {unmatched} líneas sin producto.</Text>}
        </Group>
      )}
      <Modal closeButtonProps={{ 'aria-label': 'Cerrar' }} opened={confirming} onClose={() => setConfirming(false)} title="¿Cargar la factura?">
        <Stack gap="sm">
          <Text size="sm">Se suma al stock lo recibido en cada línea y se actualizan los costos de reposición (y los precios que correspondan). No se puede deshacer desde acá.</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)}>
              Volver
            </Button>
            <Button

              loading={post.isPending || correct.isPending}
              onClick={() => {
                const go = () => post.mutate(undefined, { onSettled: () => setConfirming(false) });
                if (dirty) save(go);
                else go();
              }}
            >
              Sí, cargar
            </Button>
          </Group>
        </Stack>
      </Modal>
      {(inv.status === 'posted' || inv.status === 'posting') && <PostingResultView id={inv.id} />}
    </Stack>
  );
}

function LineRow({ line, edit, editable, onChange }: { line: InvoiceLine; edit?: LineEdit; editable: boolean; onChange: (e: LineEdit) => void }) {
  const [picking, setPicking] = useState(false);
  const [creating, setCreating] = useState(false);
  const sku = edit?.sku ?? line.match?.sku;
  const pack = edit?.packUnits ?? line.packUnits;
  const units = Number(line.quantity) * pack;
  const unitCost = units > 0 ? Number(line.amount) / units : null;
  return (
    <Paper withBorder p="xs" radius="sm" style={line.flagged && !edit?.sku ? { borderColor: 'var(--mantine-color-orange-5)' } : undefined}>
      <Stack gap={4}>
        <Group justify="space-between" wrap="wrap" gap="xs">
          <Text fw={600} style={{ overflowWrap: 'anywhere' }}>
            {line.lineNo}. {line.description}
          </Text>
          <Text>{formatMoney(line.amount)}</Text>
        </Group>
        <Group gap="md" wrap="wrap">
          <Text size="sm">
            Producto:{' '}
            {sku ? (
              <Text span fw={600}>
                {sku}
              </Text>
            ) : (
              <Text span c="var(--mantine-color-orange-light-color)" fw={700}>
                sin producto
              </Text>
            )}
            {!edit?.sku && line.match && <Text span c="dimmed"> ({line.match.by === 'fuzzy' ? `parecido ${formatPercent(line.match.score * 100)}` : matchByLabel[line.match.by]})</Text>}
          </Text>
          <Text size="sm">
            {formatNumber(line.quantity)} × {pack} u = {formatQuantity(units, 'unit')} · costo unitario {unitCost === null ? '—' : formatMoney(unitCost.toFixed(2))}
            {editable && !edit && line.currentCost !== null && line.newCost !== null && Number(line.currentCost) > 0 && (
              <Text span c={line.outsideBand ? 'var(--mantine-color-orange-light-color)' : 'dimmed'} fw={line.outsideBand ? 700 : undefined}>
                {' '}
                (antes {formatMoney(line.currentCost)}, {changeText(line.currentCost, line.newCost)})
              </Text>
            )}
          </Text>
        </Group>
        {editable && (
          <Group gap="xs" wrap="wrap" align="flex-end">
            <Button size="compact-md" variant="default" onClick={() => setPicking(true)}>
              Cambiar el producto de la línea {line.lineNo}
            </Button>
            <Button size="compact-md" variant="subtle" onClick={() => setCreating(true)}>
              Crear producto desde la línea {line.lineNo}
            </Button>
            <NumberInput label="Unidades por bulto" value={pack} min={1} max={1000} onChange={(v) => typeof v === 'number' && onChange({ packUnits: v })} w={150} size="sm" />
          </Group>
        )}
      </Stack>
      {picking && <ProductSearch line={line} onPick={(s) => { onChange({ sku: s }); setPicking(false); }} onClose={() => setPicking(false)} />}
      {creating && <CreateProduct line={line} onCreated={(s) => { onChange({ sku: s }); setCreating(false); }} onClose={() => setCreating(false)} />}
    </Paper>
  );
}

function ProductSearch({ line, onPick, onClose }: { line: InvoiceLine; onPick: (sku: string) => void; onClose: () => void }) {
  const [q, setQ] = useState(line.description.split(/\s+/).slice(0, 2).join(' '));
  const [debounced] = useDebouncedValue(q, 200);
  const results = useQuery({
    queryKey: ['product-search', debounced],
    queryFn: () => unwrap<{ items: Product[] }>(api.GET('/v1/products', { params: { query: { q: debounced, limit: 10 } } })),
    enabled: debounced.trim().length > 0,
  });
  return (
    <Modal closeButtonProps={{ 'aria-label': 'Cerrar' }} opened onClose={onClose} title={`Producto de la línea ${line.lineNo}`}>
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          {line.description}
        </Text>
        <TextInput label="Buscar por nombre, SKU o código de barras" value={q} onChange={(e) => setQ(e.currentTarget.value)} data-autofocus />
        <Stack gap={4} role="listbox" aria-label="Productos encontrados">
          {results.data?.items.map((p) => (
            <Button key={p.sku} variant="light" justify="space-between" onClick={() => onPick(p.sku)} role="option" aria-selected={false} rightSection={<Text size="xs">{p.sku}</Text>}>
              {p.name}
            </Button>
          ))}
          {results.data && results.data.items.length === 0 && <Text c="dimmed">Ningún producto coincide.</Text>}
        </Stack>
      </Stack>
    </Modal>
  );
}

function CreateProduct({ line, onCreated, onClose }: { line: InvoiceLine; onCreated: (sku: string) => void; onClose: () => void }) {
  const suggested = useMemo(() => (line.barcode ? line.barcode : `PROV-${line.code ?? line.lineNo}`).replace(/[^\w.-]/g, ''), [line]);
  const [sku, setSku] = useState(suggested);
  const [name, setName] = useState(line.description);
  const [category, setCategory] = useState('almacen');
  const [unit, setUnit] = useState<'unit' | 'kg' | 'l'>('unit');
  const create = useMutation({
    mutationFn: () => unwrap(api.POST('/v1/products', { body: { sku, name, category, unit, ...(line.barcode && /^\d{6,14}$/.test(line.barcode) ? { barcode: line.barcode } : {}) } as never })),
    onSuccess: () => onCreated(sku),
  });
  return (
    <Modal closeButtonProps={{ 'aria-label': 'Cerrar' }} opened onClose={onClose} title="Crear producto desde la línea">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <Stack gap="sm">
          <TextInput label="SKU" value={sku} onChange={(e) => setSku(e.currentTarget.value)} required />
          <TextInput label="Nombre" value={name} onChange={(e) => setName(e.currentTarget.value)} required />
          <TextInput label="Categoría" value={category} onChange={(e) => setCategory(e.currentTarget.value)} required />
          <Select label="Se vende por" value={unit} onChange={(v) => v && setUnit(v as typeof unit)} data={[{ value: 'unit', label: 'Unidad' }, { value: 'kg', label: 'Kilo' }, { value: 'l', label: 'Litro' }]} allowDeselect={false} />
          {create.error && <ErrorAlert error={create.error} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Volver
            </Button>
            <Button type="submit" loading={create.isPending}>
              Crear y usar en la línea
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

function PostingResultView({ id }: { id: string }) {
  const result = usePostingResult(id, true);
  return (
    <Paper withBorder p="md" radius="md" aria-live="polite">
      <Title order={2} fz="h4" mb="sm">
        Qué cambió al cargar la factura
      </Title>
      <QueryState query={result}>
        {(r) => (
          <Stack gap="md">
            <div>
              <Text fw={600}>Ingresos de stock ({r.receipts.length})</Text>
              <Table.ScrollContainer minWidth={320}>
                <Table verticalSpacing={4}>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Producto</Table.Th>
                      <Table.Th ta="right">Ingresó</Table.Th>
                      <Table.Th ta="right">Stock ahora</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {r.receipts.map((x) => (
                      <Table.Tr key={x.lineNo}>
                        <Table.Td>
                          <Anchor component={Link} to={`/productos/${encodeURIComponent(x.sku)}`}>{x.name}</Anchor> <Text span size="xs" c="dimmed">({x.location})</Text>
                        </Table.Td>
                        <Table.Td ta="right">{formatQuantity(x.quantity, x.unit)}</Table.Td>
                        <Table.Td ta="right">{x.status === 'applied' ? formatQuantity(x.balanceAfter, x.unit) : x.status === 'queued' ? 'aplicando…' : `rechazado: ${x.rejectionReason}`}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            </div>
            <div>
              <Text fw={600}>Costos de reposición ({r.costChanges.length})</Text>
              {r.costChanges.map((c) => (
                <Text key={c.sku} size="sm">
                  {c.name}: {formatMoney(c.previousCost)} → {formatMoney(c.newCost)} {c.changePct !== null && `(${formatSignedPercent(c.changePct)})`}
                </Text>
              ))}
            </div>
            <div>
              <Text fw={600}>Alertas de costo ({r.alerts.length})</Text>
              {r.alerts.length === 0 && <Text size="sm" c="dimmed">Ningún costo se movió lo suficiente como para avisar.</Text>}
              {r.alerts.map((a) => (
                <Text key={a.id} size="sm" c="red.8">
                  <Anchor component={Link} to={`/productos/${encodeURIComponent(a.sku)}`}>{a.name}</Anchor>: {a.changePct === null ? 'primer costo' : formatSignedPercent(a.changePct)}
                  {a.bandPct !== null && ` (≥ ${a.bandPct} %)`}
                  {a.sellingAtLoss && ' · se vende a pérdida'}
                </Text>
              ))}
            </div>
            {r.repricing && (
              <Text size="sm">
                Precios: {r.repricing.status === 'completed' ? `${r.repricing.productsChanged} actualizados.` : 'recalculando…'}{' '}
                {r.repricing.labelBatchId !== null && r.repricing.productsChanged > 0 && <Anchor component={Link} to={`/etiquetas?lote=${r.repricing.labelBatchId}`}>Imprimir etiquetas</Anchor>}
              </Text>
            )}
          </Stack>
        )}
      </QueryState>
    </Paper>
  );
}
