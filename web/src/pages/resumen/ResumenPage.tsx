import '@mantine/charts/styles.css';
import { Anchor, Badge, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { BarChart } from '@mantine/charts';
import { useSummary } from '../../api/queries/summary';
import type { Sales } from '../../api/views';
import { useAuth } from '../../auth/auth';
import { PageHeader } from '../../components/PageHeader';
import { QueryState } from '../../components/QueryState';
import { StatCard } from '../../components/StatCard';
import { formatDateTime, formatDayMonth, formatInteger, formatMoney, formatMoneyCompact, formatQuantity } from '../../lib/format';

const queueLabel: Record<string, string> = {
  'stock-movements': 'Movimientos de stock',
  'invoice-ingest': 'Lectura de facturas',
  'price-recalculations': 'Recálculo de precios',
  'inflation-updates': 'Índices de inflación',
  'demand-forecasts': 'Pronósticos',
};

const soldHint = (s: Sales) =>
  [Number(s.units) && formatQuantity(s.units, 'unit'), Number(s.kg) && formatQuantity(s.kg, 'kg'), Number(s.liters) && formatQuantity(s.liters, 'l')].filter(Boolean).join(' · ') || 'Sin ventas';

/** Resumen: the shop at a glance, refreshed every 30 s. */
export default function ResumenPage() {
  const summary = useSummary();
  const { can } = useAuth();
  return (
    <>
      <PageHeader title="Resumen" description={summary.dataUpdatedAt ? `Actualizado ${formatDateTime(new Date(summary.dataUpdatedAt))} · se actualiza solo cada 30 segundos` : undefined} />
      <QueryState query={summary}>
        {(s) => (
          <Stack gap="lg">
            <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="sm">
              <StatCard label="Inventario a costo" value={formatMoney(s.inventory.atCost)} hint={s.inventory.productsWithoutCost ? `${formatInteger(s.inventory.productsWithoutCost)} productos sin costo cargado` : 'Stock × costo de reposición'} />
              <StatCard label="Inventario a precio de góndola" value={formatMoney(s.inventory.atPrice)} hint={s.inventory.productsWithoutPrice ? `${formatInteger(s.inventory.productsWithoutPrice)} productos sin precio` : 'Stock × precio de venta'} />
              <StatCard label="Vendido hoy" value={formatMoney(s.sold.today.amount)} hint={soldHint(s.sold.today)} />
              <StatCard label="Vendido últimos 7 días" value={formatMoney(s.sold.last7Days.amount)} hint={soldHint(s.sold.last7Days)} />
              <StatCard label="Bajo punto de pedido" value={formatInteger(s.belowReorderPoint)} hint="productos para reponer" to="/reposicion" color={s.belowReorderPoint ? 'orange.8' : undefined} />
              <StatCard label="Facturas para revisar" value={formatInteger(s.invoicesNeedingReview)} hint="cargadas y esperando revisión" color={s.invoicesNeedingReview ? 'orange.8' : undefined} />
              <StatCard label="Alertas de costo (7 días)" value={formatInteger(s.costAlerts.last7Days)} hint={s.costAlerts.sellingAtLoss ? `${formatInteger(s.costAlerts.sellingAtLoss)} productos se venden a pérdida` : 'costos que subieron fuerte'} color={s.costAlerts.sellingAtLoss ? 'red.8' : undefined} />
            </SimpleGrid>

            <Paper withBorder p="md" radius="md">
              <Title order={2} fz="h4" mb="sm">
                Ventas de los últimos 30 días
              </Title>
              {s.dailySales.some((d) => Number(d.amount) > 0) ? (
                <div role="img" aria-label="Gráfico de ventas en pesos por día de los últimos 30 días">
                <BarChart
                  h={240}
                  data={s.dailySales.map((d) => ({ dia: formatDayMonth(d.day), Ventas: Number(d.amount) }))}
                  dataKey="dia"
                  series={[{ name: 'Ventas', color: 'blue.6' }]}
                  valueFormatter={(v) => formatMoney(v)}
                  yAxisProps={{ width: 70, tickFormatter: (v: number) => formatMoneyCompact(v) }}
                  tickLine="y"
                />
                </div>
              ) : (
                <Text c="dimmed">Todavía no hay ventas registradas en estos 30 días.</Text>
              )}
            </Paper>

            <Paper withBorder p="md" radius="md">
              <Group justify="space-between" mb="sm">
                <Title order={2} fz="h4">
                  Trabajos en segundo plano
                </Title>
                {can('queues:view') && (
                  <Anchor href="/admin/queues" target="_blank" rel="noopener">
                    Abrir panel de colas
                  </Anchor>
                )}
              </Group>
              <Table verticalSpacing={6}>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Cola</Table.Th>
                      <Table.Th ta="right">En espera</Table.Th>
                      <Table.Th ta="right">Fallidos</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {s.queues.map((q) => (
                      <Table.Tr key={q.queue}>
                        <Table.Td>{queueLabel[q.queue] ?? q.queue}</Table.Td>
                        <Table.Td ta="right">{q.reachable ? formatInteger(q.waiting) : <Badge color="red">sin conexión</Badge>}</Table.Td>
                        <Table.Td ta="right">{q.failed ? <Badge color="red">{formatInteger(q.failed)}</Badge> : q.reachable ? '0' : '—'}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
              </Table>
            </Paper>
          </Stack>
        )}
      </QueryState>
    </>
  );
}
