import { useState, type FormEvent } from 'react';
import { Button, Checkbox, Group, Select, SimpleGrid, Stack, TextInput } from '@mantine/core';
import { categoryLabel, useCategories } from '../../api/queries/categories';
import type { ProductInput } from '../../api/queries/products';
import type { Product, Unit } from '../../api/views';
import { ErrorAlert } from '../../components/QueryState';
import { parseQuantityInput } from '../../lib/format';

const unitOptions = [
  { value: 'unit', label: 'Por unidad' },
  { value: 'kg', label: 'Por peso (kg)' },
  { value: 'l', label: 'Por volumen (l)' },
];

/** Create (no `product`) or edit a product. The API's answer decides; its problems show in words. */
export function ProductForm({ product, onSubmit, pending, error, onCancel }: { product?: Product; onSubmit: (p: ProductInput) => void; pending: boolean; error: unknown; onCancel: () => void }) {
  const categories = useCategories();
  const [sku, setSku] = useState(product?.sku ?? '');
  const [name, setName] = useState(product?.name ?? '');
  const [category, setCategory] = useState<string | null>(product?.category ?? null);
  const [unit, setUnit] = useState<Unit>(product?.unit ?? 'unit');
  const [barcode, setBarcode] = useState(product?.barcode ?? '');
  const [reorder, setReorder] = useState(product ? product.reorderPoint.replace('.', ',') : '0');
  const [allowNegative, setAllowNegative] = useState(product?.allowNegativeStock ?? false);
  const [problems, setProblems] = useState<Record<string, string>>({});

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const p: Record<string, string> = {};
    if (!product && !sku.trim()) p.sku = 'Ingresá un SKU.';
    if (!name.trim()) p.name = 'Ingresá el nombre.';
    if (!category?.trim()) p.category = 'Elegí o escribí una categoría.';
    if (barcode.trim() && !/^\d{6,14}$/.test(barcode.trim())) p.barcode = 'De 6 a 14 dígitos (EAN/UPC).';
    const rp = parseQuantityInput(reorder, unit, { allowZero: true });
    if (!rp.ok) p.reorder = rp.message;
    setProblems(p);
    if (Object.keys(p).length || !rp.ok) return;
    onSubmit({ sku: sku.trim(), name: name.trim(), category: category!.trim(), unit, barcode: barcode.trim() || null, reorderPoint: rp.value, allowNegativeStock: allowNegative });
  };

  const categoryData = [...new Set([...(categories.data ?? []), ...(category ? [category] : [])])].map((c) => ({ value: c, label: categoryLabel(c) }));

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        {!!error && <ErrorAlert error={error} title="No se pudo guardar" />}
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput label="SKU" value={sku} onChange={(e) => setSku(e.currentTarget.value)} disabled={!!product} required error={problems.sku} description={product ? 'No se puede cambiar' : 'Letras, números, "-", "_" o "."'} />
          <TextInput label="Código de barras" value={barcode} onChange={(e) => setBarcode(e.currentTarget.value)} error={problems.barcode} inputMode="numeric" description="Opcional; escanealo acá" />
        </SimpleGrid>
        <TextInput label="Nombre" value={name} onChange={(e) => setName(e.currentTarget.value)} required error={problems.name} />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Select label="Categoría" data={categoryData} value={category} onChange={setCategory} searchable required error={problems.category} nothingFoundMessage="Sin categorías" />
          <Select label="Se vende" data={unitOptions} value={unit} onChange={(v) => setUnit((v as Unit) ?? 'unit')} disabled={!!product} allowDeselect={false} />
        </SimpleGrid>
        <TextInput label="Punto de pedido" value={reorder} onChange={(e) => setReorder(e.currentTarget.value)} error={problems.reorder} inputMode="decimal" description="Con menos stock que esto aparece en Reposición" />
        <Checkbox label="Permitir stock negativo (vender aunque el sistema no tenga stock)" checked={allowNegative} onChange={(e) => setAllowNegative(e.currentTarget.checked)} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancelar
          </Button>
          <Button type="submit" loading={pending}>
            {product ? 'Guardar cambios' : 'Crear producto'}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
