import { useRef, useState } from 'react';
import { ActionIcon, Alert, Badge, Button, Group, Paper, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { IconCheck, IconTrash } from '@tabler/icons-react';
import { useLocations } from '../../api/queries/locations';
import { useBatch, useSubmitBatch } from '../../api/queries/movements';
import type { Batch, Product } from '../../api/views';
import { DataTable, type Column } from '../../components/DataTable';
import { PageHeader } from '../../components/PageHeader';
import { ProductPicker } from '../../components/ProductPicker';
import { EmptyState, ErrorAlert } from '../../components/QueryState';
import { useSubmissionKey } from '../../components/useSubmissionKey';
import { formatQuantity, parseQuantityInput } from '../../lib/format';
import { rejectionLabel } from '../../lib/labels';

interface Line {
  product: Product;
  counted: string;
}

/** Recuento: pick a location, scan products, type what is on the shelf, review, send as one batch. */
export default function RecuentoPage() {
  const locations = useLocations();
  const [location, setLocation] = useState<string | null>(null);
  const [lines, setLines] = useState<Line[]>([]);
  const [batch, setBatch] = useState<{ batch: Batch; lines: Line[] } | null>(null);
  const submission = useSubmissionKey('count');
  const send = useSubmitBatch();
  const follow = useBatch(batch?.batch.id, batch?.batch.status === 'queued');
  const inputs = useRef(new Map<string, HTMLInputElement>());
  const picker = useRef<HTMLInputElement>(null);

  const system = (p: Product) => p.stock.find((s) => s.location === location)?.quantity ?? '0';
  const parsed = lines.map((l) => (l.counted.trim() ? parseQuantityInput(l.counted, l.product.unit, { allowZero: true }) : null));
  const ready = lines.length > 0 && parsed.every((p) => p?.ok);

  const add = (p: Product) => {
    submission.renew();
    setLines((ls) => (ls.some((l) => l.product.sku === p.sku) ? ls : [...ls, { product: p, counted: '' }]));
    setTimeout(() => inputs.current.get(p.sku)?.focus(), 0);
  };
  const setCounted = (sku: string, counted: string) => {
    submission.renew();
    setLines((ls) => ls.map((l) => (l.product.sku === sku ? { ...l, counted } : l)));
  };
  const remove = (sku: string) => {
    submission.renew();
    setLines((ls) => ls.filter((l) => l.product.sku !== sku));
  };

  const submit = () => {
    if (!ready || !location || send.isPending) return;
    const movements = lines.map((l, i) => ({ type: 'count' as const, sku: l.product.sku, location, quantity: (parsed[i] as { value: string }).value, reference: 'recuento' }));
    send.mutate(
      { movements, key: submission.key() },
      {
        onSuccess: (b) => {
          setBatch({ batch: b, lines });
          submission.renew();
        },
      },
    );
  };

  if (batch) {
    const b = follow.data ?? batch.batch;
    return <CountResult batch={b} lines={batch.lines} locationName={locations.data?.find((l) => l.code === location)?.name ?? location ?? ''} onNew={() => { setBatch(null); setLines([]); send.reset(); }} />;
  }

  return (
    <>
      <PageHeader title="Recuento" description="Contá lo que hay en una ubicación; las diferencias se ajustan solas al enviar" />
      <Stack>
        <Select
          label="Ubicación que vas a contar"
          placeholder="Elegí la ubicación"
          data={(locations.data ?? []).map((l) => ({ value: l.code, label: l.name }))}
          value={location}
          onChange={(v) => {
            setLocation(v);
            submission.renew();
          }}
          allowDeselect={false}
          maw={400}
        />
        {location && (
          <>
            <ProductPicker ref={picker} label="Agregar producto" onSelect={add} autoFocus />
            <Paper withBorder radius="md" p={{ base: 'xs', sm: 'md' }}>
              {lines.length === 0 ? (
                <EmptyState>Escaneá o buscá el primer producto que vas a contar.</EmptyState>
              ) : (
                <Stack gap="xs">
                  {lines.map((l, i) => {
                    const sys = system(l.product);
                    const p = parsed[i];
                    const diff = p?.ok && sys !== null ? Number(p.value) - Number(sys) : null;
                    return (
                      <Group key={l.product.sku} justify="space-between" wrap="wrap" gap="xs" py={4} style={{ borderBottom: '1px solid var(--mantine-color-gray-2)' }}>
                        <Stack gap={0} style={{ flex: '1 1 180px', minWidth: 0 }}>
                          <Text size="sm" fw={500} truncate>
                            {l.product.name}
                          </Text>
                          <Text size="xs" c="dimmed">
                            Sistema: {formatQuantity(sys, l.product.unit)}
                          </Text>
                        </Stack>
                        <Group gap="xs" wrap="nowrap">
                          <TextInput
                            ref={(el) => {
                              if (el) inputs.current.set(l.product.sku, el);
                              else inputs.current.delete(l.product.sku);
                            }}
                            aria-label={`Cantidad contada de ${l.product.name}`}
                            placeholder="Contado"
                            value={l.counted}
                            onChange={(e) => setCounted(l.product.sku, e.currentTarget.value)}
                            onKeyDown={(e) => {
                              if (e.key === 'Enter') {
                                e.preventDefault();
                                picker.current?.focus();
                              }
                            }}
                            inputMode="decimal"
                            autoComplete="off"
                            w={110}
                            error={p && !p.ok ? p.message : undefined}
                          />
                          <Badge color={diff === null ? 'gray' : diff === 0 ? 'green' : diff < 0 ? 'red' : 'blue'} variant="light" miw={80} style={{ textTransform: 'none' }} aria-label="Diferencia">
                            {diff === null ? '—' : `${diff > 0 ? '+' : ''}${formatQuantity(diff, l.product.unit)}`}
                          </Badge>
                          <ActionIcon variant="subtle" color="gray" onClick={() => remove(l.product.sku)} aria-label={`Quitar ${l.product.name}`} size="lg">
                            <IconTrash size={18} />
                          </ActionIcon>
                        </Group>
                      </Group>
                    );
                  })}
                </Stack>
              )}
            </Paper>
            {!!send.error && <ErrorAlert error={send.error} title="No se envió el recuento" />}
            <Group justify="flex-end">
              <Button onClick={submit} disabled={!ready} loading={send.isPending}>
                Enviar recuento ({lines.length} {lines.length === 1 ? 'producto' : 'productos'})
              </Button>
            </Group>
          </>
        )}
      </Stack>
    </>
  );
}

type ResultRow = Batch['movements'][number] & { line?: Line };

function CountResult({ batch, lines, locationName, onNew }: { batch: Batch; lines: Line[]; locationName: string; onNew: () => void }) {
  const rows: ResultRow[] = batch.movements.map((m) => ({ ...m, line: lines.find((l) => l.product.sku === m.sku) }));
  const unit = (r: ResultRow) => r.line?.product.unit ?? 'unit';
  const columns: Column<ResultRow>[] = [
    { key: 'product', header: 'Producto', render: (r) => r.line?.product.name ?? r.sku, csv: (r) => r.line?.product.name ?? r.sku },
    { key: 'sku', header: 'SKU', render: (r) => r.sku, csv: (r) => r.sku, hideOnPhone: true },
    { key: 'counted', header: 'Contado', numeric: true, render: (r) => formatQuantity(r.line?.counted.replace(',', '.'), unit(r)), csv: (r) => r.line?.counted.replace(',', '.') },
    {
      key: 'status',
      header: 'Resultado',
      render: (r) => (r.status === 'applied' ? <Badge color="green">Aplicado</Badge> : r.status === 'rejected' ? <Badge color="red">Rechazado: {rejectionLabel[r.reason ?? ''] ?? r.reason}</Badge> : <Badge color="yellow">En proceso</Badge>),
      csv: (r) => (r.status === 'applied' ? 'aplicado' : r.status === 'rejected' ? `rechazado: ${r.reason}` : 'en proceso'),
    },
    { key: 'balance', header: 'Saldo', numeric: true, render: (r) => formatQuantity(r.balanceAfter, unit(r)), csv: (r) => r.balanceAfter },
  ];
  return (
    <>
      <PageHeader title="Recuento enviado" description={`${locationName}: ${batch.count} productos`} actions={<Button onClick={onNew}>Nuevo recuento</Button>} />
      <Stack>
        {batch.status === 'completed' ? (
          <Alert color={batch.rejected ? 'orange' : 'green'} icon={<IconCheck />} title="Recuento aplicado" role="status">
            {batch.applied} aplicados{batch.rejected ? `, ${batch.rejected} rechazados` : ''}. Las diferencias quedaron registradas en el kárdex de cada producto.
          </Alert>
        ) : (
          <Alert color="yellow" title="Aplicándose…" role="status">
            El recuento quedó guardado y se está aplicando; esta pantalla se actualiza sola.
          </Alert>
        )}
        <DataTable columns={columns} rows={rows} rowKey={(r) => r.id} csvName="recuento" />
      </Stack>
    </>
  );
}
