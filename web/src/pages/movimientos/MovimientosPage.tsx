import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { Alert, Button, Group, Paper, SegmentedControl, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { IconCheck, IconClock, IconX } from '@tabler/icons-react';
import { useLocations } from '../../api/queries/locations';
import { useMovement, useSubmitMovement, type MovementInput } from '../../api/queries/movements';
import { useProduct } from '../../api/queries/products';
import type { Movement, MovementType, Product } from '../../api/views';
import { PageHeader } from '../../components/PageHeader';
import { ProductPicker } from '../../components/ProductPicker';
import { ErrorAlert } from '../../components/QueryState';
import { SelectedProduct } from '../../components/SelectedProduct';
import { useSubmissionKey } from '../../components/useSubmissionKey';
import { formatQuantity, parseMoneyInput, parseQuantityInput } from '../../lib/format';
import { adjustmentReasons, movementTypeLabel, rejectionLabel } from '../../lib/labels';

const types: MovementType[] = ['sale', 'receipt', 'adjustment', 'count', 'transfer'];
const submitLabel: Record<MovementType, string> = { sale: 'Registrar venta', receipt: 'Registrar ingreso', adjustment: 'Registrar ajuste', count: 'Registrar recuento', transfer: 'Registrar transferencia' };
const quantityLabel: Record<MovementType, string> = { sale: 'Cantidad vendida', receipt: 'Cantidad recibida', adjustment: 'Cantidad', count: 'Cantidad contada', transfer: 'Cantidad a mover' };

/** Movimientos: one form for sale, receipt, adjustment, count and transfer, with the outcome. */
export default function MovimientosPage() {
  const phone = useMediaQuery('(max-width: 40em)', false, { getInitialValueInEffect: false });
  const [params] = useSearchParams();
  const locations = useLocations();
  const initial = useProduct(params.get('sku') ?? undefined);
  const [type, setType] = useState<MovementType>('sale');
  const [product, setProduct] = useState<Product | null>(null);
  const [location, setLocation] = useState<string | null>(null);
  const [toLocation, setToLocation] = useState<string | null>(null);
  const [quantity, setQuantity] = useState('');
  const [direction, setDirection] = useState<'-' | '+'>('-');
  const [unitCost, setUnitCost] = useState('');
  const [reason, setReason] = useState<string | null>(null);
  const [reference, setReference] = useState('');
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [result, setResult] = useState<{ movement: Movement; product: Product } | null>(null);
  const submission = useSubmissionKey('mov');
  const mutation = useSubmitMovement();
  const follow = useMovement(result?.movement.id, result?.movement.status === 'queued');
  const pickerRef = useRef<HTMLInputElement>(null);
  const outcomeRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (result) outcomeRef.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }, [result]);

  useEffect(() => {
    if (initial.data && !product) setProduct(initial.data);
  }, [initial.data, product]);
  useEffect(() => {
    if (!location && locations.data?.[0]) setLocation(locations.data[0].code);
  }, [locations.data, location]);

  /** Any change to the form makes the next submit a new movement (new Idempotency-Key). */
  const changed = <T,>(set: (v: T) => void) => (v: T) => {
    set(v);
    submission.renew();
    setProblems({});
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (mutation.isPending) return;
    const p: Record<string, string> = {};
    if (!product) p.product = 'Elegí un producto.';
    if (!location) p.location = 'Elegí la ubicación.';
    if (type === 'transfer' && (!toLocation || toLocation === location)) p.toLocation = 'Elegí una ubicación de destino distinta.';
    if (type === 'adjustment' && !reason) p.reason = 'Elegí el motivo del ajuste.';
    const q = product ? parseQuantityInput(quantity, product.unit, { allowZero: type === 'count' }) : null;
    if (q && !q.ok) p.quantity = q.message;
    const cost = type === 'receipt' && unitCost.trim() ? parseMoneyInput(unitCost) : null;
    if (cost && !cost.ok) p.unitCost = cost.message;
    setProblems(p);
    if (Object.keys(p).length || !product || !q?.ok || (cost && !cost.ok)) return;
    const input: MovementInput = {
      type,
      sku: product.sku,
      location: location!,
      quantity: type === 'adjustment' && direction === '-' ? `-${q.value}` : q.value,
      ...(type === 'transfer' && { toLocation: toLocation! }),
      ...(cost?.ok && { unitCost: cost.value }),
      ...(type === 'adjustment' && { reason: reason! }),
      ...(reference.trim() && { reference: reference.trim() }),
    };
    mutation.mutate(
      { input, key: submission.key() },
      {
        onSuccess: (movement) => {
          setResult({ movement, product });
          submission.renew();
          if (movement.status !== 'rejected') {
            setQuantity('');
            setUnitCost('');
            setReference('');
          }
        },
      },
    );
  };

  const locationOptions = (locations.data ?? []).map((l) => ({ value: l.code, label: l.name }));
  const unitHint = product ? (product.unit === 'unit' ? 'unidades enteras' : product.unit === 'kg' ? 'kilos, por ejemplo 0,125' : 'litros, por ejemplo 1,5') : undefined;
  const shown = follow.data ?? result?.movement;

  return (
    <>
      <PageHeader title="Movimientos" description="Ventas, ingresos de mercadería, ajustes, recuentos y transferencias" />
      <Stack gap="md" maw={720}>
        {shown && result && (
          <div aria-live="polite" ref={outcomeRef} style={{ scrollMarginTop: 72 }}>
            <Outcome movement={shown} product={result.product} locationName={(c) => locations.data?.find((l) => l.code === c)?.name ?? c} />
          </div>
        )}
        <Paper withBorder p={{ base: 'sm', sm: 'md' }} radius="md">
          <form onSubmit={submit} noValidate aria-label="Registrar movimiento">
            <Stack>
              <SegmentedControl
                aria-label="Tipo de movimiento"
                fullWidth
                orientation={phone ? 'vertical' : 'horizontal'}
                value={type}
                onChange={(v) => changed(setType)(v as MovementType)}
                data={types.map((t) => ({ value: t, label: movementTypeLabel[t] }))}
              />
              {product ? <SelectedProduct product={product} location={locations.data?.find((l) => l.code === location)} onClear={() => changed(setProduct)(null)} /> : <ProductPicker ref={pickerRef} onSelect={changed(setProduct)} autoFocus />}
              {problems.product && (
                <Text c="red" size="sm">
                  {problems.product}
                </Text>
              )}
              <SimpleGrid cols={{ base: 1, xs: type === 'transfer' ? 2 : 1 }}>
                <Select label={type === 'transfer' ? 'Desde' : 'Ubicación'} data={locationOptions} value={location} onChange={changed(setLocation)} allowDeselect={false} error={problems.location} />
                {type === 'transfer' && <Select label="Hacia" data={locationOptions.filter((l) => l.value !== location)} value={toLocation} onChange={changed(setToLocation)} error={problems.toLocation} placeholder="Elegí el destino" />}
              </SimpleGrid>
              {type === 'adjustment' && (
                <SimpleGrid cols={{ base: 1, xs: 2 }}>
                  <SegmentedControl
                    aria-label="Sentido del ajuste"
                    value={direction}
                    onChange={(v) => changed(setDirection)(v as '-' | '+')}
                    data={[
                      { value: '-', label: 'Restar' },
                      { value: '+', label: 'Sumar' },
                    ]}
                    mt={{ base: 0, xs: 26 }}
                  />
                  <Select label="Motivo" data={adjustmentReasons} value={reason} onChange={changed(setReason)} error={problems.reason} placeholder="Elegí el motivo" />
                </SimpleGrid>
              )}
              <SimpleGrid cols={{ base: 1, xs: type === 'receipt' ? 2 : 1 }}>
                <TextInput label={quantityLabel[type]} description={unitHint} value={quantity} onChange={(e) => changed(setQuantity)(e.currentTarget.value)} inputMode="decimal" error={problems.quantity} autoComplete="off" />
                {type === 'receipt' && <TextInput label="Costo unitario (opcional)" description="En pesos, sin IVA" value={unitCost} onChange={(e) => changed(setUnitCost)(e.currentTarget.value)} inputMode="decimal" leftSection="$" error={problems.unitCost} autoComplete="off" />}
              </SimpleGrid>
              <TextInput label="Referencia (opcional)" description="Ticket, remito o nota" value={reference} onChange={(e) => changed(setReference)(e.currentTarget.value)} autoComplete="off" />
              {!!mutation.error && <ErrorAlert error={mutation.error} title="No se registró" />}
              <Group justify="flex-end">
                <Button type="submit" loading={mutation.isPending} size="md">
                  {submitLabel[type]}
                </Button>
              </Group>
            </Stack>
          </form>
        </Paper>
      </Stack>
    </>
  );
}

function Outcome({ movement: m, product, locationName }: { movement: Movement; product: Product; locationName: (code: string) => string }) {
  const what = `${movementTypeLabel[m.type]} de ${formatQuantity(m.quantity.replace(/^-/, ''), product.unit)} de ${product.name}`;
  if (m.status === 'applied') {
    return (
      <Alert color="green" icon={<IconCheck />} title="Movimiento registrado" role="status">
        <Stack gap={4}>
          <Text size="sm">{what}.</Text>
          <Text size="sm" fw={600}>
            Saldo en {locationName(m.location)}: {formatQuantity(m.balanceAfter, product.unit)}
          </Text>
          {m.toLocation && m.toBalanceAfter !== null && (
            <Text size="sm" fw={600}>
              Saldo en {locationName(m.toLocation)}: {formatQuantity(m.toBalanceAfter, product.unit)}
            </Text>
          )}
        </Stack>
      </Alert>
    );
  }
  if (m.status === 'rejected') {
    const available = m.detail && typeof m.detail === 'object' && 'available' in m.detail ? String(m.detail.available) : null;
    return (
      <Alert color="red" icon={<IconX />} title="Movimiento rechazado" role="alert">
        <Stack gap={4}>
          <Text size="sm">{what}: no se registró.</Text>
          <Text size="sm" fw={600}>
            Motivo: {rejectionLabel[m.reason ?? ''] ?? m.reason}
            {available !== null && `. Disponible en ${locationName(m.location)}: ${formatQuantity(available, product.unit)}`}
          </Text>
        </Stack>
      </Alert>
    );
  }
  return (
    <Alert color="yellow" icon={<IconClock />} title="Recibido, aplicándose…" role="status">
      {what}. Quedó guardado y se aplica en unos segundos; esta pantalla se actualiza sola.
    </Alert>
  );
}
