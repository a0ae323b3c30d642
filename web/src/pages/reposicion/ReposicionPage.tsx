import { Button, Stack, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { IconPrinter } from '@tabler/icons-react';
import { categoryLabel } from '../../api/queries/categories';
import { fetchAllProducts } from '../../api/queries/products';
import type { Product } from '../../api/views';
import { DataTable, type Column } from '../../components/DataTable';
import { PageHeader } from '../../components/PageHeader';
import { QueryState } from '../../components/QueryState';
import { formatDateTime, formatQuantity } from '../../lib/format';

type Row = Product & { missing: number };

/** Reposición: every product below its reorder point, printable as a shopping list. */
export default function ReposicionPage() {
  const list = useQuery({
    queryKey: ['products', 'below-reorder'],
    queryFn: async (): Promise<Row[]> => {
      const products = await fetchAllProducts({ belowReorderPoint: true });
      return products
        .map((p) => ({ ...p, missing: Number(p.reorderPoint) - Number(p.onHand) }))
        .sort((a, b) => a.category.localeCompare(b.category) || a.name.localeCompare(b.name));
    },
  });
  const stockAt = (r: Row, loc: string) => r.stock.find((s) => s.location === loc)?.quantity ?? '0';
  const columns: Column<Row>[] = [
    { key: 'name', header: 'Producto', render: (r) => r.name, csv: (r) => r.name },
    { key: 'category', header: 'Categoría', render: (r) => categoryLabel(r.category), csv: (r) => r.category },
    { key: 'salon', header: 'En salón', numeric: true, render: (r) => formatQuantity(stockAt(r, 'SALON'), r.unit), csv: (r) => stockAt(r, 'SALON'), hideOnPhone: true },
    { key: 'stock', header: 'Stock total', numeric: true, render: (r) => formatQuantity(r.onHand, r.unit), csv: (r) => r.onHand },
    { key: 'reorder', header: 'Punto de pedido', numeric: true, render: (r) => formatQuantity(r.reorderPoint, r.unit), csv: (r) => r.reorderPoint },
    { key: 'missing', header: 'Faltan', numeric: true, render: (r) => <Text fw={700} size="sm">{formatQuantity(r.missing, r.unit)}</Text>, csv: (r) => r.missing.toFixed(3) },
    { key: 'check', header: 'Pedido', render: () => <span className="print-only">☐</span>, hideOnPhone: true },
  ];
  return (
    <>
      <PageHeader
        title="Reposición"
        description="Productos con stock por debajo del punto de pedido"
        actions={
          <Button leftSection={<IconPrinter size={18} />} onClick={() => window.print()} variant="default">
            Imprimir
          </Button>
        }
      />
      <Text className="print-only" size="sm" mb="sm">
        Impreso el {formatDateTime(new Date())}
      </Text>
      <QueryState query={list} isEmpty={(rows) => rows.length === 0} empty="Todo en orden: ningún producto está por debajo de su punto de pedido.">
        {(rows) => (
          <Stack>
            <Text size="sm" c="dimmed">
              {rows.length} productos para reponer
            </Text>
            <DataTable columns={columns} rows={rows} rowKey={(r) => r.sku} csvName="reposicion" />
          </Stack>
        )}
      </QueryState>
    </>
  );
}
