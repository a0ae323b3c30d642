import '@mantine/charts/styles.css';
import { useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { Anchor, Badge, Breadcrumbs, Button, Group, Modal, Paper, Select, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { LineChart } from '@mantine/charts';
import { notifications } from '@mantine/notifications';
import { IconArrowsExchange, IconPencil } from '@tabler/icons-react';
import { categoryLabel } from '../../api/queries/categories';
import { useLocations } from '../../api/queries/locations';
import { useKardex, useProduct, useStockHistory, useUpdateProduct, type KardexFilters } from '../../api/queries/products';
import type { KardexRow, MovementType, Product } from '../../api/views';
import { useAuth } from '../../auth/auth';
import { DataTable, type Column } from '../../components/DataTable';
import { PageHeader } from '../../components/PageHeader';
import { QueryState } from '../../components/QueryState';
import { StatCard } from '../../components/StatCard';
import { formatDateTime, formatDayMonth, formatMoney, formatNumber, formatPercent, formatQuantity } from '../../lib/format';
import { movementTypeLabel } from '../../lib/labels';
import { ProductForm } from './ProductForm';

/** One product: stock per location, price, its kardex with running balance and a stock chart. */
export default function ProductoPage() {
  const sku = decodeURIComponent(useParams().sku ?? '');
  const product = useProduct(sku);
  return (
    <>
      <Breadcrumbs mb="xs" className="no-print">
        <Anchor component={Link} to="/productos">
          Productos
        </Anchor>
        <Text size="sm">{sku}</Text>
      </Breadcrumbs>
      <QueryState query={product}>{(p) => <ProductDetail product={p} />}</QueryState>
    </>
  );
}

function ProductDetail({ product: p }: { product: Product }) {
  const { can } = useAuth();
  const locations = useLocations();
  const [editing, setEditing] = useState(false);
  const update = useUpdateProduct(p.sku);

  return (
    <Stack gap="lg">
      <PageHeader
        title={p.name}
        description={`SKU ${p.sku}${p.barcode && p.barcode !== p.sku ? ` · código ${p.barcode}` : ''} · ${categoryLabel(p.category)} · ${p.unit === 'unit' ? 'por unidad' : p.unit === 'kg' ? 'por kilo' : 'por litro'}`}
        actions={
          <>
            {can('stock:write') && (
              <Button variant="default" component={Link} to={`/movimientos?sku=${encodeURIComponent(p.sku)}`} leftSection={<IconArrowsExchange size={18} />}>
                Registrar movimiento
              </Button>
            )}
            {can('catalog:write') && (
              <Button leftSection={<IconPencil size={18} />} onClick={() => setEditing(true)}>
                Editar
              </Button>
            )}
          </>
        }
      />
      <SimpleGrid cols={{ base: 2, md: 4 }} spacing="sm">
        <StatCard label="Stock total" value={formatQuantity(p.onHand, p.unit)} hint={`Punto de pedido ${formatQuantity(p.reorderPoint, p.unit)}`} color={p.belowReorderPoint ? 'orange.8' : undefined} />
        {p.stock.map((s) => (
          <StatCard key={s.location} label={`En ${locations.data?.find((l) => l.code === s.location)?.name ?? s.location}`} value={formatQuantity(s.quantity, p.unit)} />
        ))}
        <StatCard label="Precio" value={formatMoney(p.price)} hint={`Costo ${formatMoney(p.replacementCost)}`} />
        <StatCard label="Margen" value={formatPercent(p.marginPct)} color={p.marginPct !== null && Number(p.marginPct) < 0 ? 'red.8' : undefined} hint={p.marginPct !== null && Number(p.marginPct) < 0 ? 'Se vende a pérdida' : 'Sobre el precio sin impuestos nacionales'} />
      </SimpleGrid>
      <StockChart product={p} />
      <Kardex product={p} />
      <Modal opened={editing} onClose={() => setEditing(false)} title={`Editar ${p.name}`} size="lg">
        <ProductForm
          product={p}
          pending={update.isPending}
          error={update.error}
          onCancel={() => setEditing(false)}
          onSubmit={({ sku: _sku, unit: _unit, ...changes }) =>
            update.mutate(changes, {
              onSuccess: () => {
                setEditing(false);
                notifications.show({ color: 'green', message: 'Cambios guardados.' });
              },
            })
          }
        />
      </Modal>
    </Stack>
  );
}

const chartColors = ['teal.6', 'orange.6', 'grape.6', 'cyan.6'];

function StockChart({ product: p }: { product: Product }) {
  const history = useStockHistory(p.sku);
  const locations = useLocations();
  const locName = (code: string) => locations.data?.find((l) => l.code === code)?.name ?? code;
  return (
    <Paper withBorder p="md" radius="md">
      <Title order={2} fz="h4" mb="sm">
        Stock en el tiempo (90 días)
      </Title>
      <QueryState query={history} isEmpty={(h) => h.points.length === 0} empty="Todavía no hay movimientos de este producto.">
        {(h) => (
          <div role="img" aria-label={`Stock de ${p.name} en los últimos 90 días, total y por ubicación`}>
          <LineChart
            h={220}
            data={h.points.map((pt) => ({ dia: formatDayMonth(pt.day), Total: Number(pt.total), ...Object.fromEntries(h.locations.map((l) => [locName(l), Number(pt.byLocation[l] ?? 0)])) }))}
            dataKey="dia"
            series={[{ name: 'Total', color: 'blue.7' }, ...h.locations.map((l, i) => ({ name: locName(l), color: chartColors[i % chartColors.length]! }))]}
            withLegend
            curveType="stepAfter"
            withDots={false}
            valueFormatter={(v) => formatNumber(v)}
          />
          </div>
        )}
      </QueryState>
    </Paper>
  );
}

const typeOptions = (Object.keys(movementTypeLabel) as MovementType[]).map((t) => ({ value: t, label: movementTypeLabel[t] }));

function Kardex({ product: p }: { product: Product }) {
  const locations = useLocations();
  const [location, setLocation] = useState<string | null>(null);
  const [type, setType] = useState<string | null>(null);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const filters: KardexFilters = { location: location ?? undefined, type: type ?? undefined, from: from || undefined, to: to || undefined };
  const kardex = useKardex(p.sku, filters);
  const rows = useMemo(() => kardex.data?.pages.flatMap((pg) => pg.items) ?? [], [kardex.data]);
  const locName = (code: string) => locations.data?.find((l) => l.code === code)?.name ?? code;

  const columns: Column<KardexRow>[] = [
    { key: 'when', header: 'Fecha', render: (r) => formatDateTime(r.occurredAt), csv: (r) => formatDateTime(r.occurredAt) },
    { key: 'type', header: 'Tipo', render: (r) => <Badge variant="light" color={Number(r.quantity) < 0 ? 'red' : 'green'}>{movementTypeLabel[r.type] ?? r.type}</Badge>, csv: (r) => movementTypeLabel[r.type] ?? r.type },
    { key: 'location', header: 'Ubicación', render: (r) => (r.counterpartLocation ? `${locName(r.location)} (${Number(r.quantity) < 0 ? 'hacia' : 'desde'} ${locName(r.counterpartLocation)})` : locName(r.location)), csv: (r) => r.location },
    { key: 'qty', header: 'Cantidad', numeric: true, render: (r) => `${Number(r.quantity) > 0 ? '+' : ''}${formatQuantity(r.quantity, p.unit)}`, csv: (r) => r.quantity },
    { key: 'balance', header: 'Saldo', numeric: true, render: (r) => <Text fw={600} size="sm">{formatQuantity(r.balanceAfter, p.unit)}</Text>, csv: (r) => r.balanceAfter },
    { key: 'cost', header: 'Costo unit.', numeric: true, render: (r) => (r.unitCost ? formatMoney(r.unitCost) : ''), csv: (r) => r.unitCost, hideOnPhone: true },
    { key: 'detail', header: 'Detalle', render: (r) => [r.reason, r.reference].filter(Boolean).join(' · '), csv: (r) => [r.reason, r.reference].filter(Boolean).join(' · '), hideOnPhone: true },
  ];

  return (
    <Paper withBorder p="md" radius="md">
      <Title order={2} fz="h4" mb="sm">
        Kárdex (movimientos con saldo)
      </Title>
      <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="sm" mb="sm" className="no-print">
        <Select label="Ubicación" placeholder="Todas" data={(locations.data ?? []).map((l) => ({ value: l.code, label: l.name }))} value={location} onChange={setLocation} clearable />
        <Select label="Tipo" placeholder="Todos" data={typeOptions} value={type} onChange={setType} clearable />
        <TextInput label="Desde" type="date" value={from} onChange={(e) => setFrom(e.currentTarget.value)} />
        <TextInput label="Hasta" type="date" value={to} onChange={(e) => setTo(e.currentTarget.value)} />
      </SimpleGrid>
      <QueryState query={kardex} isEmpty={() => rows.length === 0} empty="No hay movimientos con estos filtros.">
        {() => (
          <Stack>
            <DataTable columns={columns} rows={rows} rowKey={(r) => String(r.ledgerId)} csvName={`kardex-${p.sku}`} />
            {kardex.hasNextPage && (
              <Group justify="center">
                <Button variant="default" onClick={() => void kardex.fetchNextPage()} loading={kardex.isFetchingNextPage}>
                  Ver movimientos anteriores
                </Button>
              </Group>
            )}
          </Stack>
        )}
      </QueryState>
    </Paper>
  );
}
