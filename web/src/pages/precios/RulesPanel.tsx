import { useState } from 'react';
import { Button, Group, Modal, NumberInput, Paper, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { computePrice } from '../../../../src/shared/domain/pricing/price';
import { parsePercentBp } from '../../../../src/shared/domain/pricing/rates';
import { useSaveRule, type RuleInput } from '../../api/queries/prices';
import type { PricingRule } from '../../api/views-ops';
import { useAuth } from '../../auth/auth';
import { ErrorAlert } from '../../components/QueryState';
import { formatMoney, formatPercent } from '../../lib/format';

const EXAMPLE_COST_CENTS = 100_000;
const EXAMPLE_IVA_BP = 2100;
const cents = (pesos: string) => Math.round(Number(pesos) * 100);

/**
 * The price a rule gives a product that costs $ 1.000 (IVA 21 %), with the same pure function the
 * server prices with; null while the rule is not valid yet.
 */
export function examplePrice(rule: RuleInput): number | null {
  const markupBp = parsePercentBp(rule.markupPct);
  const minMarginBp = parsePercentBp(rule.minMarginPct);
  const stepCents = cents(rule.roundingStep);
  const endingCents = cents(rule.ending || '0');
  if (markupBp === undefined || minMarginBp === undefined || !(stepCents >= 1) || !(endingCents >= 0) || endingCents >= stepCents || minMarginBp >= 10_000) return null;
  try {
    return computePrice(
      { id: 0, markupBp, minMarginBp, stepCents, endingCents, maxChangeBp: null, priceAheadDays: null },
      { costCents: EXAMPLE_COST_CENTS, ivaBp: EXAMPLE_IVA_BP, internalTaxBp: 0, currentPriceCents: null },
      { forwardRateBp: 0, force: true },
    ).priceCents;
  } catch {
    return null;
  }
}

const label = (r: PricingRule) => (r.isDefault ? 'Todas las demás (regla general)' : r.category);

export function RulesPanel({ rules }: { rules: PricingRule[] }) {
  const [editing, setEditing] = useState<PricingRule | null>(null);
  const { can } = useAuth();
  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        Ejemplo de cada regla: un producto que cuesta {formatMoney(EXAMPLE_COST_CENTS / 100)} (sin IVA, IVA 21 %), sin precio anterior ni inflación esperada.
      </Text>
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="sm">
        {rules.map((r) => {
          const ex = examplePrice(r);
          return (
            <Paper key={r.category} withBorder p="sm" radius="md">
              <Stack gap={4}>
                <Text fw={700}>{label(r)}</Text>
                <Text size="sm">
                  Recargo {formatPercent(r.markupPct)} · margen mínimo {formatPercent(r.minMarginPct)}
                </Text>
                <Text size="sm">
                  Redondeo a {formatMoney(r.roundingStep)} terminando en {formatMoney(r.ending)} · cambio máximo {r.maxChangePct ? formatPercent(r.maxChangePct) : 'sin límite'}
                  {r.priceAheadDays ? ` · ${r.priceAheadDays} días por delante de la inflación` : ''}
                </Text>
                <Text fw={600} c="blue.8">
                  costo {formatMoney(EXAMPLE_COST_CENTS / 100)} → precio {ex === null ? '—' : formatMoney(ex / 100)}
                </Text>
                {can('prices:write') && (
                  <Group>
                    <Button variant="default" size="compact-md" onClick={() => setEditing(r)} aria-label={`Cambiar la regla ${label(r)}`}>
                      Cambiar
                    </Button>
                  </Group>
                )}
              </Stack>
            </Paper>
          );
        })}
      </SimpleGrid>
      {editing && <RuleForm rule={editing} onClose={() => setEditing(null)} />}
    </Stack>
  );
}

function RuleForm({ rule, onClose }: { rule: PricingRule; onClose: () => void }) {
  const save = useSaveRule();
  const [form, setForm] = useState<RuleInput>({
    markupPct: rule.markupPct,
    minMarginPct: rule.minMarginPct,
    roundingStep: rule.roundingStep,
    ending: rule.ending,
    maxChangePct: rule.maxChangePct,
    priceAheadDays: rule.priceAheadDays,
  });
  const set = (k: keyof RuleInput) => (e: React.ChangeEvent<HTMLInputElement>) => setForm({ ...form, [k]: e.currentTarget.value.replace(',', '.') });
  const ex = examplePrice(form);
  return (
    <Modal closeButtonProps={{ 'aria-label': 'Cerrar' }} opened onClose={onClose} title={`Regla: ${label(rule)}`}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate({ category: rule.category, rule: { ...form, maxChangePct: form.maxChangePct || null } }, { onSuccess: onClose });
        }}
      >
        <Stack gap="sm">
          <TextInput label="Recargo sobre el costo (%)" value={form.markupPct} onChange={set('markupPct')} inputMode="decimal" />
          <TextInput label="Margen mínimo (%)" value={form.minMarginPct} onChange={set('minMarginPct')} inputMode="decimal" />
          <TextInput label="Redondear de a ($)" value={form.roundingStep} onChange={set('roundingStep')} inputMode="decimal" />
          <TextInput label="Terminación ($)" value={form.ending} onChange={set('ending')} inputMode="decimal" />
          <TextInput label="Cambio máximo por recálculo (%, vacío = sin límite)" value={form.maxChangePct ?? ''} onChange={set('maxChangePct')} inputMode="decimal" />
          <NumberInput label="Días por delante de la inflación (vacío = no)" value={form.priceAheadDays ?? ''} onChange={(v) => setForm({ ...form, priceAheadDays: v === '' ? null : Number(v) })} min={1} max={120} />
          <Text fw={600} c="blue.8" aria-live="polite">
            Ejemplo: costo {formatMoney(EXAMPLE_COST_CENTS / 100)} → precio {ex === null ? '— (revisá los valores)' : formatMoney(ex / 100)}
          </Text>
          {save.error && <ErrorAlert error={save.error} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Volver
            </Button>
            <Button type="submit" loading={save.isPending}>
              Guardar regla
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
