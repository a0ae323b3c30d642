import { useMemo, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { Badge, Button, Checkbox, Group, Modal, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { IconPlus, IconSearch } from '@tabler/icons-react';
import { categoryLabel, useCategories } from '../../api/queries/categories';
import { useLocations } from '../../api/queries/locations';
import { fetchAllProducts, findProductByCode, useCreateProduct, useProductList, type ProductFilters } from '../../api/queries/products';
import type { Product } from '../../api/views';
import { useAuth } from '../../auth/auth';
import { DataTable, type Column } from '../../components/DataTable';
import { PageHeader } from '../../components/PageHeader';
import { ErrorAlert, QueryState } from '../../components/QueryState';
import { formatMoney, formatPercent, formatQuantity } from '../../lib/format';
import { ProductForm } from './ProductForm';

type Row = Product;

const stockAt = (r: Row, location: string) => r.stock.find((s) => s.location === location)?.quantity ?? '0';

/** Productos: search as you type (name, SKU, barcode), filters, stock per location, price, cost, margin. */
export default function ProductosPage() {
  const { can } = useAuth();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const [text, setText] = useState(params.get('q') ?? '');
  const [debounced] = useDebouncedValue(text.trim(), 200);
  const category = params.get('categoria') ?? undefined;
  const below = params.get('reponer') === '1';
  const location = params.get('ubicacion') ?? undefined;
  const filters: ProductFilters = { q: debounced || undefined, category, location, belowReorderPoint: below };
  const list = useProductList(filters);
  const rows = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? [], [list.data]);
  const categories = useCategories();
  const locations = useLocations();
  const [creating, setCreating] = useState(false);
  const create = useCreateProduct();
  const [scanError, setScanError] = useState<unknown>(null);

  const setParam = (key: string, value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };

  const shownLocations = (locations.data ?? []).filter((l) => !location || l.code === location);
  const columns: Column<Row>[] = [
    {
      key: 'name',
      header: 'Producto',
      render: (r) => (
        <Stack gap={0}>
          <Text size="sm" fw={500}>
            {r.name}
          </Text>
          <Text size="xs" c="dimmed">
            {r.sku}
          </Text>
        </Stack>
      ),
      csv: (r) => r.name,
    },
    { key: 'sku', header: 'SKU', render: (r) => r.sku, csv: (r) => r.sku, csvOnly: true },
    { key: 'barcode', header: 'Código de barras', render: (r) => r.barcode, csv: (r) => r.barcode, csvOnly: true },
    { key: 'category', header: 'Categoría', render: (r) => categoryLabel(r.category), csv: (r) => categoryLabel(r.category), hideOnPhone: true },
    ...shownLocations.map<Column<Row>>((l) => ({ key: `stock-${l.code}`, header: l.name, numeric: true, render: (r) => formatQuantity(stockAt(r, l.code), r.unit), csv: (r) => stockAt(r, l.code), hideOnPhone: true })),
    {
      key: 'by-location',
      header: 'Por ubicación',
      phoneOnly: true,
      render: (r) => shownLocations.map((l) => `${l.name.replace(/ de ventas$/, '')} ${formatQuantity(stockAt(r, l.code), r.unit)}`).join(' · '),
    },
    {
      key: 'total',
      header: 'Stock total',
      numeric: true,
      render: (r) => (
        <Group gap={4} justify="flex-end" wrap="nowrap">
          {r.belowReorderPoint && (
            <Badge color="orange" size="sm" variant="light">
              reponer
            </Badge>
          )}
          <span>{formatQuantity(r.onHand, r.unit)}</span>
        </Group>
      ),
      csv: (r) => r.onHand,
    },
    { key: 'price', header: 'Precio', numeric: true, render: (r) => formatMoney(r.price), csv: (r) => r.price },
    { key: 'cost', header: 'Costo', numeric: true, render: (r) => formatMoney(r.replacementCost), csv: (r) => r.replacementCost, hideOnPhone: true },
    { key: 'margin', header: 'Margen', numeric: true, render: (r) => <Text size="sm" c={r.marginPct !== null && Number(r.marginPct) < 0 ? 'red.8' : undefined}>{formatPercent(r.marginPct)}</Text>, csv: (r) => r.marginPct },
  ];

  const allRows = () => fetchAllProducts(filters);

  // A scanner types the code and Enter: open that product directly.
  const onSearchEnter = async () => {
    const code = text.trim();
    if (!/^\d{6,14}$/.test(code) && rows.length !== 1) return;
    try {
      const p = /^\d{6,14}$/.test(code) ? await findProductByCode(code) : rows[0];
      if (p) navigate(`/productos/${encodeURIComponent(p.sku)}`);
    } catch (err) {
      setScanError(err);
    }
  };

  return (
    <>
      <PageHeader
        title="Productos"
        actions={
          can('catalog:write') && (
            <Button leftSection={<IconPlus size={18} />} onClick={() => setCreating(true)}>
              Nuevo producto
            </Button>
          )
        }
      />
      <Stack gap="sm" mb="md" className="no-print">
        <TextInput
          label="Buscar"
          placeholder="Nombre, SKU o código de barras"
          leftSection={<IconSearch size={18} aria-hidden />}
          value={text}
          onChange={(e) => {
            setText(e.currentTarget.value);
            setParam('q', e.currentTarget.value.trim() || undefined);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              void onSearchEnter();
            }
          }}
          inputMode="search"
          autoFocus
        />
        <SimpleGrid cols={2} spacing="sm" maw={720}>
          <Select label="Categoría" placeholder="Todas" data={(categories.data ?? []).map((c) => ({ value: c, label: categoryLabel(c) }))} value={category ?? null} onChange={(v) => setParam('categoria', v ?? undefined)} clearable />
          <Select label="Ubicación" placeholder="Todas" data={(locations.data ?? []).map((l) => ({ value: l.code, label: l.name }))} value={location ?? null} onChange={(v) => setParam('ubicacion', v ?? undefined)} clearable />
        </SimpleGrid>
        <Checkbox label="Solo bajo punto de pedido" checked={below} onChange={(e) => setParam('reponer', e.currentTarget.checked ? '1' : undefined)} size="md" />
      </Stack>
      {!!scanError && <ErrorAlert error={scanError} />}
      <QueryState query={list} isEmpty={() => rows.length === 0} empty={debounced ? `Ningún producto coincide con «${debounced}».` : 'No hay productos con estos filtros.'}>
        {() => (
          <Stack>
            <DataTable columns={columns} rows={rows} rowKey={(r) => r.sku} csvName="productos" csvRows={allRows} onRowClick={(r) => navigate(`/productos/${encodeURIComponent(r.sku)}`)} />
            {list.hasNextPage && (
              <Group justify="center">
                <Button variant="default" onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
                  Cargar más
                </Button>
              </Group>
            )}
          </Stack>
        )}
      </QueryState>
      <Modal opened={creating} onClose={() => setCreating(false)} title="Nuevo producto" size="lg" fullScreen={false}>
        <ProductForm
          pending={create.isPending}
          error={create.error}
          onCancel={() => setCreating(false)}
          onSubmit={(p) =>
            create.mutate(p, {
              onSuccess: (created) => {
                setCreating(false);
                notifications.show({ color: 'green', message: `Producto ${created.name} creado.` });
                navigate(`/productos/${encodeURIComponent(created.sku)}`);
              },
            })
          }
        />
      </Modal>
    </>
  );
}
