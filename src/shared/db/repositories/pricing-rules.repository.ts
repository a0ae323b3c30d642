import type { Database } from '../database.js';
import type { PriceRule } from '../../domain/pricing/price.js';
import { formatPercent, percentColumnBp } from '../../domain/pricing/rates.js';
import { formatMoney } from '../../domain/quantity.js';

/** The category key of the default rule. */
export const DEFAULT_RULE_CATEGORY = '*';

/** Every rule at one moment: what a run prices with (snapshotted into the run, so all its chunks agree). */
export interface RuleSet {
  default: PriceRule;
  categories: Record<string, PriceRule>;
}

export const ruleFor = (rules: RuleSet, category: string): PriceRule => rules.categories[category] ?? rules.default;

type RuleRow = {
  id: number;
  category: string;
  markup_pct: string;
  min_margin_pct: string;
  rounding_step_cents: number;
  ending_cents: number;
  max_change_pct: string | null;
  price_ahead_days: number | null;
};

export function toPriceRule(r: RuleRow): PriceRule {
  return {
    id: r.id,
    markupBp: percentColumnBp(r.markup_pct),
    minMarginBp: percentColumnBp(r.min_margin_pct),
    stepCents: r.rounding_step_cents,
    endingCents: r.ending_cents,
    maxChangeBp: r.max_change_pct === null ? null : percentColumnBp(r.max_change_pct),
    priceAheadDays: r.price_ahead_days,
  };
}

const ruleColumns = ['id', 'category', 'markup_pct', 'min_margin_pct', 'rounding_step_cents', 'ending_cents', 'max_change_pct', 'price_ahead_days'] as const;

export async function loadRuleSet(db: Database): Promise<RuleSet> {
  const rows = await db.selectFrom('pricing_rules').select(ruleColumns).execute();
  const def = rows.find((r) => r.category === DEFAULT_RULE_CATEGORY);
  if (!def) throw new Error('the default pricing rule is missing (migration 0010 creates it)');
  return {
    default: toPriceRule(def),
    categories: Object.fromEntries(rows.filter((r) => r.category !== DEFAULT_RULE_CATEGORY).map((r) => [r.category, toPriceRule(r)])),
  };
}

/** A rule as written by clients: the domain rule without its id. */
export type RuleInput = Omit<PriceRule, 'id'>;

/** Creates or replaces the rule of a category ('*' = default). */
export async function upsertRule(db: Database, category: string, r: RuleInput): Promise<void> {
  const values = {
    markup_pct: formatPercent(r.markupBp),
    min_margin_pct: formatPercent(r.minMarginBp),
    rounding_step_cents: r.stepCents,
    ending_cents: r.endingCents,
    max_change_pct: r.maxChangeBp === null ? null : formatPercent(r.maxChangeBp),
    price_ahead_days: r.priceAheadDays,
  };
  await db
    .insertInto('pricing_rules')
    .values({ category, ...values })
    .onConflict((oc) => oc.column('category').doUpdateSet({ ...values, updated_at: new Date() }))
    .execute();
}

export async function deleteRule(db: Database, category: string): Promise<boolean> {
  const res = await db.deleteFrom('pricing_rules').where('category', '=', category).where('category', '<>', DEFAULT_RULE_CATEGORY).executeTakeFirst();
  return res.numDeletedRows > 0n;
}

export interface RuleView {
  category: string;
  isDefault: boolean;
  markupPct: string;
  minMarginPct: string;
  roundingStep: string;
  ending: string;
  maxChangePct: string | null;
  priceAheadDays: number | null;
  updatedAt: Date;
}

export async function listRules(db: Database): Promise<RuleView[]> {
  const rows = await db.selectFrom('pricing_rules').select([...ruleColumns, 'updated_at']).orderBy('category').execute();
  return rows.map((r) => {
    const p = toPriceRule(r);
    return {
      category: r.category === DEFAULT_RULE_CATEGORY ? 'default' : r.category,
      isDefault: r.category === DEFAULT_RULE_CATEGORY,
      markupPct: formatPercent(p.markupBp),
      minMarginPct: formatPercent(p.minMarginBp),
      roundingStep: formatMoney(p.stepCents),
      ending: formatMoney(p.endingCents),
      maxChangePct: p.maxChangeBp === null ? null : formatPercent(p.maxChangeBp),
      priceAheadDays: p.priceAheadDays,
      updatedAt: r.updated_at,
    };
  });
}

/** A category's rule row as stored (optionally locking it), for the audit trail. */
export async function readRuleRow(db: Database, category: string, { forUpdate = false } = {}) {
  const q = db.selectFrom('pricing_rules').selectAll().where('category', '=', category);
  return (forUpdate ? q.forUpdate() : q).executeTakeFirst();
}
