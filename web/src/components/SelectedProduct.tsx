import { Badge, CloseButton, Group, Paper, Stack, Text } from '@mantine/core';
import { useProduct } from '../api/queries/products';
import type { Product } from '../api/views';
import { formatQuantity } from '../lib/format';

/** The product a form works on, with its stock; the cross clears it. */
export function SelectedProduct({ product: picked, onClear }: { product: Product; onClear?: () => void }) {
  // Live stock: movements invalidate product queries, so this shows the balance after each one.
  const product = useProduct(picked.sku).data ?? picked;
  return (
    <Paper withBorder p="sm" radius="md" bg="blue.0" aria-live="polite">
      <Group justify="space-between" wrap="nowrap" gap="xs">
        <Stack gap={0} style={{ minWidth: 0 }}>
          <Text fw={600} truncate>
            {product.name}
          </Text>
          <Text size="xs" c="dimmed">
            SKU {product.sku}
            {product.barcode ? ` · ${product.barcode}` : ''}
          </Text>
        </Stack>
        <Group gap="xs" wrap="nowrap">
          <Badge variant="light" size="lg" style={{ textTransform: 'none' }}>
            {formatQuantity(product.onHand, product.unit)}
          </Badge>
          {onClear && <CloseButton aria-label="Elegir otro producto" onClick={onClear} size="lg" />}
        </Group>
      </Group>
    </Paper>
  );
}
