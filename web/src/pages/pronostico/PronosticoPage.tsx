import { useEffect, useMemo, useState } from 'react';
import { Alert, Badge, Button, Checkbox, Group, Modal, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { IconFileSpreadsheet, IconPrinter, IconShoppingCart } from '@tabler/icons-react';
import { useChangeOrder, useCreateDrafts, useForecast, usePurchaseOrder, usePurchaseOrders, useReorderSuggestions, useSalesHistory } from '../../api/queries/forecasts';
import type { PurchaseOrder, PurchaseOrderDrafts, ReorderSuggestion } from '../../api/views-ops';
import { useAuth } from '../../auth/auth';
import { PageHeader } from '../../components/PageHeader';
import { ErrorAlert, QueryState } from '../../components/QueryState';
import { downloadCsv, toCsv } from '../../lib/csv';
import { formatDate, formatDateTime, formatMoney, formatNumber, formatQuantity } from '../../lib/format';
import { ForecastChart } from './ForecastChart';

const statusLabel: Record<PurchaseOrder['status'], [string, string]> = {
  draft: ['Borrador', 'gray'],
  ordered: ['Pedido', 'blue'],
  received: ['Recibido', 'green'],
  cancelled: ['Cancelado', 'red'],
};

/** Why a line suggests what it suggests, in words. */
function why(s: ReorderSuggestion): string {
  return (
    `Para ${s.leadTimeDays} días de entrega + ${s.reviewPeriodDays} hasta el próximo pedido se esperan ${formatQuantity(s.demand, s.unit)}, ` +
    `más ${formatQuantity(s.safetyStock, s.unit)} de stock de seguridad; hay ${formatQuantity(s.onHand, s.unit)} y ${formatQuantity(s.onOrder, s.unit)} pedidos. ` +
    `Se redondea a ${s.packs} bulto${s.packs === 1 ? '' : 's'} de ${formatNumber(s.packSize)}.`
  );
}

/** Pronóstico y reposición: forecast chart per product, suggestions with their reasons, purchase orders. */
export default function PronosticoPage() {
  const suggestions = useReorderSuggestions();
  const [sku, setSku] = useState('');
  const [skuText, setSkuText] = useState('');
  useEffect(() => {
    const first = suggestions.data?.items[0]?.sku;
    if (!sku && first) {
      setSku(first);
      setSkuText(first);
    }
  }, [suggestions.data, sku]);
  return (
    <>
      <PageHeader title="Pronóstico y reposición" description="Qué se va a vender, qué conviene pedir y los pedidos a proveedores." />
      <Stack gap="lg">
        <Paper withBorder p="md" radius="md" className="no-print">
          <Group justify="space-between" align="flex-end" mb="sm" wrap="wrap">
            <Title order={2} fz="h4">
              Pronóstico de 14 días
            </Title>
            <form
              onSubmit={(e) => {
                e.preventDefault();
                setSku(skuText.trim());
              }}
            >
              <Group gap="xs" align="flex-end">
                <TextInput label="Producto (SKU)" value={skuText} onChange={(e) => setSkuText(e.currentTarget.value)} w={180} />
                <Button type="submit" variant="default">
                  Ver
                </Button>
              </Group>
            </form>
          </Group>
          {sku ? <Forecast sku={sku} /> : <Text c="dimmed">Elegí un producto para ver su pronóstico.</Text>}
        </Paper>
        <Suggestions query={suggestions} onPick={(s) => { setSku(s); setSkuText(s); }} />
        <Orders />
      </Stack>
    </>
  );
}

function Forecast({ sku }: { sku: string }) {
  const forecast = useForecast(sku);
  const history = useSalesHistory(sku);
  if (forecast.isError) return <ErrorAlert error={forecast.error} />;
  if (history.isError) return <ErrorAlert error={history.error} />;
  if (!forecast.data || !history.data) return <Text c="dimmed">Cargando…</Text>;
  if (!forecast.data.items.length) return <Text c="dimmed">{forecast.data.name}: todavía no hay pronóstico (se calcula cada noche).</Text>;
  return (
    <Stack gap={4}>
      <Text fw={600}>
        {forecast.data.name} · desde {formatDate(forecast.data.originDay)}
      </Text>
      <ForecastChart history={history.data} forecast={forecast.data} />
    </Stack>
  );
}

function Suggestions({ query, onPick }: { query: ReturnType<typeof useReorderSuggestions>; onPick: (sku: string) => void }) {
  const { can } = useAuth();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const create = useCreateDrafts();
  const [created, setCreated] = useState<PurchaseOrderDrafts['drafts'] | null>(null);
  const submit = async (items: ReorderSuggestion[]) => {
    const chosen = items.filter((s) => selected.has(`${s.location}:${s.sku}`));
    const byLocation = new Map<string, string[]>();
    for (const s of chosen) byLocation.set(s.location, [...(byLocation.get(s.location) ?? []), s.sku]);
    const drafts: PurchaseOrderDrafts['drafts'] = [];
    for (const [location, skus] of byLocation) drafts.push(...(await create.mutateAsync({ location, skus })).drafts);
    setCreated(drafts);
    setSelected(new Set());
  };
  return (
    <Paper withBorder p="md" radius="md" className="no-print">
      <Title order={2} fz="h4" mb="sm">
        Sugerencias de reposición
      </Title>
      <QueryState query={query} isEmpty={(d) => d.items.length === 0} empty="No hay nada para pedir según el último pronóstico.">
        {(d) => (
          <Stack gap="sm">
            <Text size="sm" c="dimmed">
              Calculadas el {formatDate(d.originDay)}. Elegí las líneas y creá los pedidos: se arma uno por proveedor.
            </Text>
            {d.items.map((s) => {
              const key = `${s.location}:${s.sku}`;
              return (
                <Paper key={key} withBorder p="sm" radius="sm">
                  <Group align="flex-start" wrap="nowrap">
                    <Checkbox
                      aria-label={`Pedir ${s.name}`}
                      checked={selected.has(key)}
                      onChange={(e) => {
                        const n = new Set(selected);
                        if (e.currentTarget.checked) n.add(key);
                        else n.delete(key);
                        setSelected(n);
                      }}
                      mt={4}
                    />
                    <Stack gap={2} style={{ flex: 1 }}>
                      <Group justify="space-between" wrap="wrap" gap="xs">
                        <Button variant="subtle" px={0} onClick={() => onPick(s.sku)} aria-label={`Ver pronóstico de ${s.name}`}>
                          {s.name}
                        </Button>
                        <Text fw={700}>
                          {s.packs} × {formatNumber(s.packSize)} = {formatQuantity(s.quantity, s.unit)}
                        </Text>
                      </Group>
                      <Text size="sm" c="dimmed">
                        {s.supplier} · {s.location}
                      </Text>
                      <Text size="sm">{why(s)}</Text>
                    </Stack>
                  </Group>
                </Paper>
              );
            })}
            {create.error && <ErrorAlert error={create.error} />}
            {can('prices:write') && (
              <Group>
                <Button leftSection={<IconShoppingCart size={18} />} disabled={!selected.size} loading={create.isPending} onClick={() => void submit(d.items)}>
                  Crear pedidos con {selected.size} línea{selected.size === 1 ? '' : 's'}
                </Button>
              </Group>
            )}
            {created && (
              <Alert color="green" role="status">
                Listo: {created.length} pedido{created.length === 1 ? '' : 's'} en borrador ({created.map((c) => c.supplier).join(', ')}). Están abajo, en Pedidos a proveedores.
              </Alert>
            )}
          </Stack>
        )}
      </QueryState>
    </Paper>
  );
}

function Orders() {
  const orders = usePurchaseOrders();
  const [open, setOpen] = useState<number | null>(null);
  return (
    <Paper withBorder p="md" radius="md" className="no-print">
      <Title order={2} fz="h4" mb="sm">
        Pedidos a proveedores
      </Title>
      <QueryState query={orders} isEmpty={(d) => d.items.length === 0} empty="Todavía no hay pedidos.">
        {(d) => (
          <Table.ScrollContainer minWidth={320}>
            <Table verticalSpacing={6} highlightOnHover>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Proveedor</Table.Th>
                  <Table.Th>Estado</Table.Th>
                  <Table.Th ta="right">Líneas</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {d.items.map((o) => (
                  <Table.Tr key={o.id} onClick={() => setOpen(o.id)} style={{ cursor: 'pointer' }}>
                    <Table.Td>
                      <Button variant="subtle" px={0} onClick={() => setOpen(o.id)}>
                        {o.supplier} · {o.location} · {formatDate(o.createdAt)}
                      </Button>
                    </Table.Td>
                    <Table.Td>
                      <Badge color={statusLabel[o.status][1]}>{statusLabel[o.status][0]}</Badge>
                    </Table.Td>
                    <Table.Td ta="right">{o.lineCount}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
      </QueryState>
      {open !== null && <OrderDetail id={open} onClose={() => setOpen(null)} />}
    </Paper>
  );
}

function OrderDetail({ id, onClose }: { id: number; onClose: () => void }) {
  const order = usePurchaseOrder(id);
  const change = useChangeOrder();
  const { can } = useAuth();
  const [confirm, setConfirm] = useState<'order' | 'cancel' | null>(null);
  const csv = useMemo(
    () => (o: PurchaseOrder) =>
      toCsv(
        [
          { header: 'SKU', value: (l) => l.sku },
          { header: 'Código de barras', value: (l) => l.barcode },
          { header: 'Producto', value: (l) => l.name },
          { header: 'Bultos', value: (l) => l.packs, kind: 'number' },
          { header: 'Unidades por bulto', value: (l) => l.packSize, kind: 'number' },
          { header: 'Cantidad', value: (l) => l.quantity, kind: 'number' },
          { header: 'Costo unitario', value: (l) => l.unitCost, kind: 'number' },
          { header: 'Importe estimado', value: (l) => l.amount, kind: 'number' },
        ],
        o.lines ?? [],
      ),
    [],
  );
  return (
    <Modal closeButtonProps={{ 'aria-label': 'Cerrar' }} opened onClose={onClose} title={`Pedido ${id}`} size="xl" fullScreen={window.innerWidth < 600}>
      <QueryState query={order}>
        {(o) => (
          <Stack gap="sm" className="purchase-order">
            <Group justify="space-between" wrap="wrap">
              <Text fw={700}>
                {o.supplier} · {o.location}
              </Text>
              <Badge color={statusLabel[o.status][1]}>{statusLabel[o.status][0]}</Badge>
            </Group>
            {o.ordered && <Text size="sm">Pedido por {o.ordered.by} el {formatDateTime(o.ordered.at)}</Text>}
            {o.cancelled && <Text size="sm">Cancelado por {o.cancelled.by} el {formatDateTime(o.cancelled.at)}</Text>}
            <Table.ScrollContainer minWidth={320}>
              <Table verticalSpacing={4}>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Producto</Table.Th>
                    <Table.Th ta="right">Bultos</Table.Th>
                    <Table.Th ta="right">Cantidad</Table.Th>
                    <Table.Th ta="right">Importe</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {o.lines?.map((l) => (
                    <Table.Tr key={l.sku}>
                      <Table.Td>{l.name}</Table.Td>
                      <Table.Td ta="right">
                        {l.packs} × {formatNumber(l.packSize)}
                      </Table.Td>
                      <Table.Td ta="right">{formatQuantity(l.quantity, l.unit)}</Table.Td>
                      <Table.Td ta="right">{formatMoney(l.amount)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
            <Text ta="right" fw={700}>
              Total estimado {formatMoney(o.estimatedTotal)}
            </Text>
            {change.error && <ErrorAlert error={change.error} />}
            <Group className="no-print" wrap="wrap">
              <Button variant="default" leftSection={<IconPrinter size={18} />} onClick={() => window.print()}>
                Imprimir
              </Button>
              <Button variant="default" leftSection={<IconFileSpreadsheet size={18} />} onClick={() => downloadCsv(`pedido-${o.id}-${o.supplier}`, csv(o))}>
                Exportar CSV
              </Button>
              {can('prices:write') && o.status === 'draft' && <Button onClick={() => setConfirm('order')}>Marcar como pedido</Button>}
              {can('prices:write') && (o.status === 'draft' || o.status === 'ordered') && (
                <Button color="red" variant="light" onClick={() => setConfirm('cancel')}>
                  Cancelar pedido
                </Button>
              )}
            </Group>
            {confirm && (
              <Alert color={confirm === 'cancel' ? 'red' : 'blue'} title={confirm === 'order' ? '¿Ya le hiciste el pedido al proveedor?' : '¿Cancelar este pedido?'} className="no-print">
                <Text size="sm" mb="xs">
                  {confirm === 'order' ? 'Sus cantidades se van a contar como «pedidas» en las próximas sugerencias.' : 'Sus cantidades dejan de contar como pedidas.'}
                </Text>
                <Group>
                  <Button
                    loading={change.isPending}
                    color={confirm === 'cancel' ? 'red' : undefined}
                    onClick={() => change.mutate({ id: o.id, action: confirm }, { onSettled: () => setConfirm(null) })}
                  >
                    {confirm === 'order' ? 'Sí, marcar como pedido' : 'Sí, cancelar'}
                  </Button>
                  <Button variant="default" onClick={() => setConfirm(null)}>
                    Volver
                  </Button>
                </Group>
              </Alert>
            )}
          </Stack>
        )}
      </QueryState>
    </Modal>
  );
}
