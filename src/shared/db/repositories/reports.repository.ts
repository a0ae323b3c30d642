import { sql, type RawBuilder } from 'kysely';
import type { Database, MovementType, Unit } from '../database.js';
import { formatMoney, formatQuantity, normalizeQuantity, parseQuantity } from '../../domain/quantity.js';

/** The shop's calendar: days start at midnight in Buenos Aires. */
export const SHOP_TIME_ZONE = 'America/Argentina/Buenos_Aires';

const tz = sql.lit(SHOP_TIME_ZONE);
/** Today's date in the shop's time zone. */
const today = sql<string>`(now() AT TIME ZONE ${tz})::date`;
/** The instant a shop day starts. */
const dayStart = (day: RawBuilder<unknown>) => sql<Date>`((${day})::timestamp AT TIME ZONE ${tz})`;

/** A point in time or a shop day ('YYYY-MM-DD'); `end` days mean the end of that day. */
export type TimeBound = { at: Date } | { day: string };
const bound = (b: TimeBound, end: boolean) => ('at' in b ? sql<Date>`${b.at}::timestamptz` : dayStart(end ? sql`${b.day}::date + 1` : sql`${b.day}::date`));

export interface DailySales {
  day: string;
  units: string;
  kg: string;
  liters: string;
  /** Σ quantity sold × today's shelf price (pesos). */
  amount: string;
}

export interface ShopSummary {
  asOf: Date;
  timeZone: string;
  inventory: { atCost: string; atPrice: string; productsWithoutCost: number; productsWithoutPrice: number };
  sold: { today: Omit<DailySales, 'day'>; last7Days: Omit<DailySales, 'day'> };
  belowReorderPoint: number;
  invoicesNeedingReview: number;
  costAlerts: { last7Days: number; sellingAtLoss: number };
  dailySales: DailySales[];
}

const sumQuantities = (values: string[]) => formatQuantity(values.reduce((a, q) => a + parseQuantity(q)!, 0n));

const sumSales = (days: (DailySales & { amountCents: bigint })[]): Omit<DailySales, 'day'> => ({
  units: sumQuantities(days.map((d) => d.units)),
  kg: sumQuantities(days.map((d) => d.kg)),
  liters: sumQuantities(days.map((d) => d.liters)),
  amount: formatMoney(days.reduce((a, d) => a + d.amountCents, 0n)),
});

/**
 * The shop at a glance, in five small queries run together: inventory value, sales per day
 * (the ledger's `sale` rows, shop days) with today and the last 7 days, products below their
 * reorder point, invoices waiting for review, cost alerts.
 */
export async function shopSummary(db: Database, { days = 30 } = {}): Promise<ShopSummary> {
  const first = sql`${today} - ${days - 1}::int`;
  const [inventory, daily, below, invoices, alerts] = await Promise.all([
    sql<{ at_cost: string; at_price: string; without_cost: number; without_price: number; as_of: Date }>`
      SELECT coalesce(round(sum(s.quantity * p.replacement_cost_cents)), 0)::bigint AS at_cost,
             coalesce(round(sum(s.quantity * p.price_cents)), 0)::bigint AS at_price,
             count(DISTINCT p.id) FILTER (WHERE p.replacement_cost_cents IS NULL)::int AS without_cost,
             count(DISTINCT p.id) FILTER (WHERE p.price_cents IS NULL)::int AS without_price,
             now() AS as_of
        FROM stock_levels s JOIN products p ON p.id = s.product_id
       WHERE s.quantity > 0`.execute(db),
    sql<{ day: string; units: string; kg: string; liters: string; amount_cents: string }>`
      WITH sold AS (
        SELECT (m.occurred_at AT TIME ZONE ${tz})::date AS day, p.unit, -sum(m.quantity) AS q, -sum(m.quantity * coalesce(p.price_cents, 0)) AS amount
          FROM stock_movements m JOIN products p ON p.id = m.product_id
         WHERE m.type = 'sale' AND m.occurred_at >= ${dayStart(first)} AND m.occurred_at < ${dayStart(sql`${today} + 1`)}
         GROUP BY 1, 2
      )
      SELECT d.day::date::text AS day,
             coalesce(sum(s.q) FILTER (WHERE s.unit = 'unit'), 0)::text AS units,
             coalesce(sum(s.q) FILTER (WHERE s.unit = 'kg'), 0)::text AS kg,
             coalesce(sum(s.q) FILTER (WHERE s.unit = 'l'), 0)::text AS liters,
             coalesce(round(sum(s.amount)), 0)::bigint::text AS amount_cents
        FROM generate_series(${first}, ${today}, interval '1 day') AS d(day)
        LEFT JOIN sold s ON s.day = d.day::date
       GROUP BY d.day ORDER BY d.day`.execute(db),
    sql<{ n: number }>`
      SELECT count(*)::int AS n FROM products p
       WHERE coalesce((SELECT sum(s.quantity) FROM stock_levels s WHERE s.product_id = p.id), 0) < p.reorder_point`.execute(db),
    sql<{ n: number }>`SELECT count(*)::int AS n FROM invoices WHERE status = 'needs_review'`.execute(db),
    sql<{ recent: number; at_loss: number }>`
      SELECT (SELECT count(*)::int FROM cost_alerts WHERE created_at >= now() - interval '7 days') AS recent,
             (SELECT count(*)::int FROM products p WHERE p.price_cents IS NOT NULL
                 AND p.replacement_cost_cents * (100 + p.iva_rate_pct + p.internal_tax_pct) > p.price_cents * 100) AS at_loss`.execute(db),
  ]);
  const inv = inventory.rows[0]!;
  const perDay = daily.rows.map((r) => ({ day: r.day, units: normalizeQuantity(r.units), kg: normalizeQuantity(r.kg), liters: normalizeQuantity(r.liters), amount: formatMoney(BigInt(r.amount_cents)), amountCents: BigInt(r.amount_cents) }));
  const dailySales = perDay.map(({ amountCents: _, ...d }) => d);
  return {
    asOf: inv.as_of,
    timeZone: SHOP_TIME_ZONE,
    inventory: { atCost: formatMoney(BigInt(inv.at_cost)), atPrice: formatMoney(BigInt(inv.at_price)), productsWithoutCost: inv.without_cost, productsWithoutPrice: inv.without_price },
    sold: { today: sumSales(perDay.slice(-1)), last7Days: sumSales(perDay.slice(-7)) },
    belowReorderPoint: below.rows[0]?.n ?? 0,
    invoicesNeedingReview: invoices.rows[0]?.n ?? 0,
    costAlerts: { last7Days: alerts.rows[0]?.recent ?? 0, sellingAtLoss: alerts.rows[0]?.at_loss ?? 0 },
    dailySales,
  };
}

export interface KardexFilter {
  productId: number;
  location?: string;
  type?: MovementType;
  from?: TimeBound;
  to?: TimeBound;
  /** Ledger id of the last row of the previous page (rows come newest first). */
  beforeId?: number;
  limit: number;
}

export interface KardexRow {
  ledgerId: number;
  movementId: string;
  type: MovementType;
  location: string;
  /** The other side of a transfer. */
  counterpartLocation: string | null;
  quantity: string;
  /** The location's balance right after this row (rows in the order they were applied). */
  balanceAfter: string;
  unitCost: string | null;
  reason: string | null;
  reference: string | null;
  occurredAt: Date;
  recordedAt: Date;
}

/**
 * One product's ledger, newest first, with the running balance per location. The balance runs
 * over the whole history in the order rows were applied; filters only choose which rows to show.
 */
export async function productKardex(db: Database, f: KardexFilter): Promise<{ items: KardexRow[]; lastId: number | null; more: boolean }> {
  const conditions = [sql`true`];
  if (f.type) conditions.push(sql`k.type = ${f.type}`);
  if (f.from) conditions.push(sql`k.occurred_at >= ${bound(f.from, false)}`);
  if (f.to) conditions.push(sql`k.occurred_at < ${bound(f.to, true)}`);
  if (f.beforeId !== undefined) conditions.push(sql`k.id < ${f.beforeId}`);
  const location = f.location ? sql`AND m.location_id = (SELECT id FROM locations WHERE code = ${f.location})` : sql``;
  const { rows } = await sql<{
    id: number; movement_id: string; type: MovementType; location: string; counterpart: string | null; quantity: string; balance_after: string;
    unit_cost_cents: number | null; reason: string | null; reference: string | null; occurred_at: Date; recorded_at: Date;
  }>`
    WITH k AS (
      SELECT m.id, m.movement_id, m.leg, m.type, m.location_id, m.quantity, m.unit_cost_cents, m.reason, m.reference, m.occurred_at, m.recorded_at,
             sum(m.quantity) OVER (PARTITION BY m.location_id ORDER BY m.id) AS balance_after
        FROM stock_movements m
       WHERE m.product_id = ${f.productId} ${location}
    )
    SELECT k.id, k.movement_id, k.type, l.code AS location, k.quantity::text AS quantity, k.balance_after::text AS balance_after,
           k.unit_cost_cents, k.reason, k.reference, k.occurred_at, k.recorded_at,
           -- Looked up for the page's transfer rows only (a join would read every request).
           CASE WHEN k.type = 'transfer' THEN (
             SELECT c.code FROM movement_requests r JOIN locations c ON c.id = CASE WHEN k.leg = 0 THEN r.to_location_id ELSE r.location_id END
              WHERE r.id = k.movement_id) END AS counterpart
      FROM k
      JOIN locations l ON l.id = k.location_id
     WHERE ${sql.join(conditions, sql` AND `)}
     ORDER BY k.id DESC
     LIMIT ${f.limit + 1}`.execute(db);
  const page = rows.slice(0, f.limit);
  return {
    items: page.map((r) => ({
      ledgerId: r.id,
      movementId: r.movement_id,
      type: r.type,
      location: r.location,
      counterpartLocation: r.counterpart,
      quantity: normalizeQuantity(r.quantity),
      balanceAfter: normalizeQuantity(r.balance_after),
      unitCost: r.unit_cost_cents === null ? null : formatMoney(r.unit_cost_cents),
      reason: r.reason,
      reference: r.reference,
      occurredAt: r.occurred_at,
      recordedAt: r.recorded_at,
    })),
    lastId: page.at(-1)?.id ?? null,
    more: rows.length > f.limit,
  };
}

export interface StockHistory {
  unit: Unit;
  timeZone: string;
  locations: string[];
  /** One point per shop day, oldest first: the closing balance per location and in all. */
  points: { day: string; total: string; byLocation: Record<string, string> }[];
}

/** Daily closing balances of one product over the last `days` shop days (by when movements occurred). */
export async function productStockHistory(db: Database, productId: number, unit: Unit, days: number): Promise<StockHistory> {
  const first = sql`${today} - ${days - 1}::int`;
  const { rows } = await sql<{ day: string; location: string; closing: string }>`
    WITH locs AS (SELECT DISTINCT location_id FROM stock_movements WHERE product_id = ${productId}),
    opening AS (
      SELECT location_id, sum(quantity) AS q FROM stock_movements
       WHERE product_id = ${productId} AND occurred_at < ${dayStart(first)} GROUP BY location_id
    ),
    daily AS (
      SELECT location_id, (occurred_at AT TIME ZONE ${tz})::date AS day, sum(quantity) AS q FROM stock_movements
       WHERE product_id = ${productId} AND occurred_at >= ${dayStart(first)} GROUP BY 1, 2
    )
    SELECT d.day::date::text AS day, l.code AS location,
           (coalesce(o.q, 0) + sum(coalesce(dl.q, 0)) OVER (PARTITION BY locs.location_id ORDER BY d.day))::text AS closing
      FROM generate_series(${first}, ${today}, interval '1 day') AS d(day)
     CROSS JOIN locs
      JOIN locations l ON l.id = locs.location_id
      LEFT JOIN opening o ON o.location_id = locs.location_id
      LEFT JOIN daily dl ON dl.location_id = locs.location_id AND dl.day = d.day::date
     ORDER BY d.day, l.code`.execute(db);
  const locations = [...new Set(rows.map((r) => r.location))].sort();
  const byDay = new Map<string, Record<string, string>>();
  for (const r of rows) {
    const point = byDay.get(r.day) ?? {};
    point[r.location] = normalizeQuantity(r.closing);
    byDay.set(r.day, point);
  }
  // Days with no location (a product never moved) still get a zero point, so the chart has its axis.
  const { rows: allDays } = await sql<{ day: string }>`SELECT d::date::text AS day FROM generate_series(${first}, ${today}, interval '1 day') AS d`.execute(db);
  const points = allDays.map(({ day }) => {
    const byLocation = byDay.get(day) ?? {};
    return { day, total: sumQuantities(Object.values(byLocation)), byLocation };
  });
  return { unit, timeZone: SHOP_TIME_ZONE, locations, points };
}
