import { Badge, CloseButton, Group, Paper, Stack, Text } from '@mantine/core';
import { useProduct } from '../api/queries/products';
import type { Product } from '../api/views';
import { formatQuantity } from '../lib/format';

/**
 * The product a form works on, with its stock at `location` (or in all, without one); the cross
 * clears it. The stock is live: movements invalidate product queries.
 */
export function SelectedProduct({ product: picked, location, onClear }: { product: Product; location?: { code: string; name: string } | null; onClear?: () => void }) {
  const product = useProduct(picked.sku).data ?? picked;
  const stock = location ? (product.stock.find((s) => s.location === location.code)?.quantity ?? '0') : product.onHand;
  return (
    <Paper withBorder p="sm" radius="md" bg="brand.0" aria-live="polite">
      <Group justify="space-between" wrap="nowrap" gap="xs">
        <Stack gap={0} style={{ minWidth: 0, flex: 1 }}>
          <Text fw={600} lineClamp={2}>
            {product.name}
          </Text>
          <Text size="xs" c="dimmed" truncate>
            SKU {product.sku}
            {product.barcode && product.barcode !== product.sku ? ` · ${product.barcode}` : ''}
          </Text>
        </Stack>
        <Stack gap={0} align="flex-end" style={{ flexShrink: 0 }}>
          <Badge variant="light" size="lg" style={{ textTransform: 'none', overflow: 'visible' }} maw="none">
            {formatQuantity(stock, product.unit)}
          </Badge>
          <Text size="xs" c="dimmed">
            {location ? `en ${location.name}` : 'en total'}
          </Text>
        </Stack>
        {onClear && <CloseButton aria-label="Elegir otro producto" onClick={onClear} size="lg" />}
      </Group>
    </Paper>
  );
}
