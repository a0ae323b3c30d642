import '@mantine/charts/styles.css';
import { Anchor, Badge, Group, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { BarChart } from '@mantine/charts';
import { useSummary } from '../../api/queries/summary';
import { useAuth } from '../../auth/auth';
import { PageHeader } from '../../components/PageHeader';
import { QueryState } from '../../components/QueryState';
import { StatCard } from '../../components/StatCard';
import { formatDateTime, formatDayMonth, formatInteger, formatMoney, formatNumber, formatQuantity } from '../../lib/format';

const queueLabel: Record<string, string> = {
  'stock-movements': 'Movimientos de stock',
  'invoice-ingest': 'Lectura de facturas',
  'price-recalculations': 'Recálculo de precios',
  'inflation-updates': 'Índices de inflación',
  'demand-forecasts': 'Pronósticos',
};

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
              <StatCard label="Inventario a costo" value={formatMoney(s.inventoryValue.atCost)} hint="Stock × costo de reposición" />
              <StatCard label="Inventario a precio de góndola" value={formatMoney(s.inventoryValue.atShelfPrice)} hint="Stock × precio de venta" />
              <StatCard label="Vendido hoy" value={formatQuantity(s.sold.today.units, 'unit')} hint={`y ${formatQuantity(s.sold.today.kg, 'kg')} por peso`} />
              <StatCard label="Vendido últimos 7 días" value={formatQuantity(s.sold.last7Days.units, 'unit')} hint={`y ${formatQuantity(s.sold.last7Days.kg, 'kg')} por peso`} />
              <StatCard label="Bajo punto de pedido" value={formatInteger(s.belowReorderPoint)} hint="productos para reponer" to="/reposicion" color={s.belowReorderPoint ? 'orange.8' : undefined} />
              <StatCard label="Facturas para revisar" value={formatInteger(s.invoicesToReview)} hint="cargadas y esperando revisión" color={s.invoicesToReview ? 'orange.8' : undefined} />
              <StatCard label="Alertas de costo abiertas" value={formatInteger(s.openCostAlerts)} hint="costos que subieron fuerte o venta a pérdida" color={s.openCostAlerts ? 'red.8' : undefined} />
            </SimpleGrid>

            <Paper withBorder p="md" radius="md">
              <Title order={2} fz="h4" mb="sm">
                Ventas de los últimos 30 días
              </Title>
              {s.salesLast30Days.length ? (
                <BarChart
                  h={240}
                  data={s.salesLast30Days.map((d) => ({ dia: formatDayMonth(d.date), Unidades: Number(d.units), Kilos: Number(d.kg) }))}
                  dataKey="dia"
                  series={[
                    { name: 'Unidades', color: 'blue.6' },
                    { name: 'Kilos', color: 'teal.6' },
                  ]}
                  valueFormatter={(v) => formatNumber(v)}
                  withLegend
                  tickLine="y"
                  aria-label="Gráfico de ventas por día de los últimos 30 días"
                />
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
              <Table.ScrollContainer minWidth={320}>
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
                        <Table.Td ta="right">{formatInteger(q.waiting)}</Table.Td>
                        <Table.Td ta="right">{q.failed ? <Badge color="red">{formatInteger(q.failed)}</Badge> : '0'}</Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            </Paper>
          </Stack>
        )}
      </QueryState>
    </>
  );
}
