/**
 * Shelf prices from replacement cost. Every amount is integer centavos and every rate integer
 * basis points; the arithmetic runs on bigint rationals and rounds once, explicitly, so the SQL
 * baseline in the benchmark can reproduce it exactly.
 *
 * price = cost × (1 + markup) × (1 + forwardRate × days / 30) × (1 + IVA + internal taxes),
 * rounded up to a price point, held within the per-run change limit unless forced, and never
 * below the price that keeps the minimum margin.
 */
import { BP } from './rates.js';

const B = BigInt(BP);
const DAYS_PER_MONTH = 30n;

/** A pricing rule (per category, or the default one). */
export interface PriceRule {
  id: number;
  /** Markup over replacement cost, before taxes. */
  markupBp: number;
  /** Minimum margin on the price net of national taxes: (net − cost) / net. Below 100 %. */
  minMarginBp: number;
  /** Price points are `k × step + ending` (step ≥ 1 centavo, 0 ≤ ending < step). */
  stepCents: number;
  endingCents: number;
  /** Largest change of the current price in one run, unless the run is forced; null = no limit. */
  maxChangeBp: number | null;
  /** Price ahead of expected inflation for this many days until the next restock; null = off. */
  priceAheadDays: number | null;
}

export interface PriceInput {
  /** Replacement cost net of IVA: what the next delivery costs. */
  costCents: number;
  ivaBp: number;
  internalTaxBp: number;
  /** The price on the shelf now, if any. */
  currentPriceCents: number | null;
}

export interface PriceOptions {
  /** Expected monthly inflation (forward-looking series); negative values count as 0. */
  forwardRateBp: number;
  /** Ignore the per-run change limit. */
  force: boolean;
}

export interface PriceDecision {
  priceCents: number;
  /** The rounded price before the change limit and the margin floor. */
  targetCents: number;
  /** Lowest price point that keeps the minimum margin. */
  floorCents: number;
  /** The change limit held the price back. */
  capped: boolean;
  /** The margin floor raised the price. */
  atFloor: boolean;
}

const ceilDiv = (a: bigint, b: bigint) => (a >= 0n ? (a + b - 1n) / b : -(-a / b));
const floorDiv = (a: bigint, b: bigint) => (a >= 0n ? a / b : -((-a + b - 1n) / b));
/** Half-up division of non-negative values. */
const roundDiv = (a: bigint, b: bigint) => (2n * a + b) / (2n * b);

/** Smallest price point ≥ `cents`. Idempotent: a price point maps to itself. */
export function roundUpToPricePoint(cents: number, stepCents: number, endingCents: number): number {
  assertPricePoints(stepCents, endingCents);
  if (cents <= endingCents) return endingCents;
  const d = cents - endingCents;
  const r = d % stepCents;
  return r === 0 ? cents : cents - r + stepCents;
}

/** Largest price point ≤ `cents`, or null when there is none (below the first point). */
export function roundDownToPricePoint(cents: number, stepCents: number, endingCents: number): number | null {
  assertPricePoints(stepCents, endingCents);
  if (cents < endingCents) return null;
  return cents - ((cents - endingCents) % stepCents);
}

export function isPricePoint(cents: number, stepCents: number, endingCents: number): boolean {
  return cents >= endingCents && (cents - endingCents) % stepCents === 0;
}

function assertPricePoints(step: number, ending: number): void {
  if (!Number.isSafeInteger(step) || step < 1 || !Number.isSafeInteger(ending) || ending < 0 || ending >= step) {
    throw new RangeError(`price points need an integer step ≥ 1 and 0 ≤ ending < step (got step ${step}, ending ${ending})`);
  }
}

/** The exact gross price before rounding, rounded up to the centavo. */
export function grossPriceCents(rule: PriceRule, input: PriceInput, forwardRateBp: number): number {
  const days = BigInt(rule.priceAheadDays ?? 0);
  const forward = BigInt(Math.max(forwardRateBp, 0));
  const num = BigInt(input.costCents) * (B + BigInt(rule.markupBp)) * (DAYS_PER_MONTH * B + forward * days) * (B + BigInt(input.ivaBp + input.internalTaxBp));
  return Number(ceilDiv(num, B * DAYS_PER_MONTH * B * B));
}

/** Lowest price (before rounding) whose net of national taxes keeps the minimum margin. */
export function marginFloorCents(rule: PriceRule, input: PriceInput): number {
  return Number(ceilDiv(BigInt(input.costCents) * (B + BigInt(input.ivaBp + input.internalTaxBp)), B - BigInt(rule.minMarginBp)));
}

/** The new shelf price of one product under a rule. Pure and total for valid inputs. */
export function computePrice(rule: PriceRule, input: PriceInput, { forwardRateBp, force }: PriceOptions): PriceDecision {
  if (rule.minMarginBp < 0 || rule.minMarginBp >= BP) throw new RangeError('the minimum margin must be ≥ 0 % and below 100 %');
  if (input.costCents < 0) throw new RangeError('a replacement cost cannot be negative');
  const { stepCents: step, endingCents: ending } = rule;
  const targetCents = roundUpToPricePoint(grossPriceCents(rule, input, forwardRateBp), step, ending);
  const floorCents = roundUpToPricePoint(marginFloorCents(rule, input), step, ending);

  let price = targetCents;
  const old = input.currentPriceCents;
  if (!force && rule.maxChangeBp !== null && old !== null && old > 0) {
    const limit = BigInt(Math.min(rule.maxChangeBp, BP));
    // The bounds are price points inside the allowed band; when none lies between the band's
    // edge and the current price, the price stays where it is on that side.
    const up = roundDownToPricePoint(Number(floorDiv(BigInt(old) * (B + limit), B)), step, ending);
    const down = roundUpToPricePoint(Number(ceilDiv(BigInt(old) * (B - limit), B)), step, ending);
    const hi = up === null || up < old ? old : up;
    const lo = down > old ? old : down;
    price = Math.min(Math.max(price, lo), hi);
  }
  const capped = price !== targetCents;
  const atFloor = price < floorCents;
  if (atFloor) price = floorCents;
  return { priceCents: price, targetCents, floorCents, capped: capped && !atFloor, atFloor };
}

/** What a shelf label must show besides the price (Ley 27.743): taxes contained and the price without them. */
export interface TaxBreakdown {
  /** The price without national taxes (IVA and internal taxes). */
  withoutNationalTaxesCents: number;
  ivaCents: number;
  internalTaxesCents: number;
}

/** Splits a final price into its part without national taxes, IVA and internal taxes; the parts add up to the price. */
export function taxBreakdown(priceCents: number, ivaBp: number, internalTaxBp: number): TaxBreakdown {
  const p = BigInt(priceCents);
  const total = B + BigInt(ivaBp + internalTaxBp);
  const withoutNationalTaxesCents = Number(roundDiv(p * B, total));
  const ivaCents = Number(roundDiv(p * BigInt(ivaBp), total));
  return { withoutNationalTaxesCents, ivaCents, internalTaxesCents: priceCents - withoutNationalTaxesCents - ivaCents };
}

/** Margin on the price net of national taxes, in basis points (rounded toward −∞); null without a price. */
export function marginBp(priceCents: number | null, costCents: number, ivaBp: number, internalTaxBp: number): number | null {
  if (priceCents === null || priceCents <= 0) return null;
  const net = BigInt(priceCents) * B; // net × (B + t), kept exact
  const costScaled = BigInt(costCents) * (B + BigInt(ivaBp + internalTaxBp));
  return Number(floorDiv((net - costScaled) * B, net));
}

export type ContentUnit = 'kg' | 'l';

/**
 * Price per kg or litre where the unit calls for it: weighed goods are priced per kg already;
 * packaged goods with a declared net content get price × 1000 / content (in thousandths).
 */
export function unitPrice(
  priceCents: number,
  unit: 'unit' | 'kg' | 'l',
  contentMilli: bigint | null,
  contentUnit: ContentUnit | null,
): { cents: number; per: ContentUnit } | null {
  if (unit !== 'unit') return { cents: priceCents, per: unit };
  if (contentMilli === null || contentUnit === null || contentMilli <= 0n) return null;
  return { cents: Number(roundDiv(BigInt(priceCents) * 1000n, contentMilli)), per: contentUnit };
}
