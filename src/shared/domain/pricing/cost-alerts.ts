import { taxBreakdown } from './price.js';

export interface CostChange {
  /** Signed change from the previous cost in basis points (half away from zero); null without a previous cost. */
  changeBp: number | null;
  /** The highest configured band (percent) the change reaches, e.g. 15 for a 17 % jump; null below the lowest. */
  bandPct: number | null;
  /** The new cost is above the current price net of national taxes: each sale loses money. */
  sellingAtLoss: boolean;
}

/**
 * Classifies a new replacement cost against the previous one and the current price. Bands are
 * percents (e.g. [5, 15, 25]); a change reaches a band when |new − old| ≥ band % of old, exactly.
 */
export function classifyCostChange(
  previousCents: number | null,
  newCents: number,
  bandsPct: readonly number[],
  price: { cents: number | null; ivaBp: number; internalTaxBp: number },
): CostChange {
  let changeBp: number | null = null;
  let bandPct: number | null = null;
  if (previousCents !== null && previousCents > 0) {
    const delta = BigInt(newCents - previousCents);
    const abs = delta < 0n ? -delta : delta;
    const prev = BigInt(previousCents);
    const bp = Number((2n * abs * 10_000n + prev) / (2n * prev));
    changeBp = delta < 0n ? -bp : bp;
    for (const band of [...bandsPct].sort((a, b) => a - b)) if (abs * 100n >= BigInt(band) * prev) bandPct = band;
  }
  const sellingAtLoss = price.cents !== null && newCents > taxBreakdown(price.cents, price.ivaBp, price.internalTaxBp).withoutNationalTaxesCents;
  return { changeBp, bandPct, sellingAtLoss };
}

/** Whether a classified change is worth an alert row. */
export const isAlert = (c: CostChange) => c.bandPct !== null || c.sellingAtLoss;
