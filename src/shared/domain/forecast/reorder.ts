import { demandVariance, normalQuantile } from './quantiles.js';

export interface ReorderInput {
  /** Mean daily demand forecasts, starting with the first day after today. */
  dailyMeans: readonly number[];
  /** Negative-binomial dispersion of daily demand (0 = Poisson). */
  dispersion: number;
  /** Days from placing an order until it is on the shelf. */
  leadTimeDays: number;
  /** Days until the next chance to order (the next visit of the supplier). */
  reviewPeriodDays: number;
  /** Target probability of not running out before the next delivery, e.g. 0.95. */
  serviceLevel: number;
  onHand: number;
  /** Ordered, not yet received. */
  onOrder: number;
  /** Supplier's pack (box) size in the product's unit; orders are whole packs. */
  packSize: number;
}

export interface ReorderSuggestion {
  /** Expected demand over lead time + review period. */
  demand: number;
  safetyStock: number;
  /** demand + safety stock: what should be on hand or on its way. */
  orderUpTo: number;
  /** orderUpTo − on hand − on order (may be negative). */
  shortfall: number;
  packs: number;
  /** packs × packSize, exact to 3 decimals. */
  quantity: number;
}

const milli = (x: number): number => Math.round(x * 1000);

/**
 * Order-up-to rule for periodic review: order enough whole packs to cover expected demand over
 * lead time + review period plus safety stock z·σ for the service level, less stock on hand and
 * on order. Days past the forecast horizon repeat the mean of its last week.
 */
export function suggestReorder(input: ReorderInput): ReorderSuggestion {
  if (!(input.packSize > 0)) throw new RangeError('packSize must be positive');
  if (!(input.serviceLevel > 0 && input.serviceLevel < 1)) throw new RangeError('serviceLevel must be in (0, 1)');
  if (input.leadTimeDays < 0 || input.reviewPeriodDays < 0) throw new RangeError('lead time and review period must be ≥ 0');
  const days = Math.ceil(input.leadTimeDays + input.reviewPeriodDays);
  const means = input.dailyMeans;
  const tail = means.slice(-7);
  const tailMean = tail.length > 0 ? tail.reduce((s, v) => s + v, 0) / tail.length : 0;
  let demand = 0;
  let variance = 0;
  for (let d = 0; d < days; d++) {
    const mu = Math.max(0, d < means.length ? means[d]! : tailMean);
    demand += mu;
    variance += demandVariance(mu, input.dispersion);
  }
  const safetyStock = Math.max(0, normalQuantile(input.serviceLevel) * Math.sqrt(variance));
  const orderUpTo = demand + safetyStock;
  const shortfallMilli = milli(orderUpTo) - milli(input.onHand) - milli(input.onOrder);
  const packMilli = milli(input.packSize);
  const packs = shortfallMilli > 0 ? Math.ceil(shortfallMilli / packMilli) : 0;
  return {
    demand: milli(demand) / 1000,
    safetyStock: milli(safetyStock) / 1000,
    orderUpTo: milli(orderUpTo) / 1000,
    shortfall: shortfallMilli / 1000,
    packs,
    quantity: (packs * packMilli) / 1000,
  };
}

/** A product's lead time when none is set (the products table's default). */
export const DEFAULT_LEAD_TIME_DAYS = 2;
/** Days between orders when none is set (the products table's default). */
export const DEFAULT_REVIEW_PERIOD_DAYS = 7;
