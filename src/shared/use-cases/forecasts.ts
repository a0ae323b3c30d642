import type { Database } from '../db/database.js';
import { withTransaction } from '../db/transaction.js';
import { findLocationId, findProductSummary } from '../db/repositories/catalog.repository.js';
import {
  NO_SUPPLIER,
  latestForecastRun,
  latestSuggestionDay,
  listDraftLines,
  listForecastDays,
  listSuggestions,
  type DraftLine,
  type ForecastDay,
  type SuggestionView,
} from '../db/repositories/forecast-views.repository.js';
import { ensureDraft, suggestedLines, type SuggestedLine } from '../db/repositories/purchase-orders.repository.js';
import { NotFoundError, UnprocessableError } from '../errors.js';

async function locationIdOf(db: Database, code: string): Promise<number> {
  const id = await findLocationId(db, code);
  if (id === undefined) throw new NotFoundError('location', code);
  return id;
}

export interface ProductForecast {
  sku: string;
  name: string;
  unit: string;
  modelVersion: string | null;
  originDay: string | null;
  items: ForecastDay[];
}

/** The newest run's forecasts of a product: its model version, from its origin on. */
export async function getProductForecast(db: Database, f: { sku: string; location?: string }): Promise<ProductForecast> {
  const product = await findProductSummary(db, f.sku);
  if (!product) throw new NotFoundError('product', f.sku);
  const productId = product.id;
  const loc = f.location ? await locationIdOf(db, f.location) : undefined;
  const run = await latestForecastRun(db, productId, loc);
  const head = { sku: product.sku, name: product.name, unit: product.unit };
  if (!run) return { ...head, modelVersion: null, originDay: null, items: [] };
  return { ...head, modelVersion: run.modelVersion, originDay: run.originDay, items: await listForecastDays(db, productId, run, loc) };
}

/** What to order, from whom and how much: a day's suggestions (the newest by default). */
export async function getReorderSuggestions(
  db: Database,
  f: { location?: string; supplier?: string; originDay?: string; all?: boolean },
): Promise<{ originDay: string | null; items: SuggestionView[] }> {
  const loc = f.location ? await locationIdOf(db, f.location) : undefined;
  const day = f.originDay ?? (await latestSuggestionDay(db, loc));
  if (!day) return { originDay: null, items: [] };
  return { originDay: day, items: await listSuggestions(db, { day, locationId: loc, supplier: f.supplier, all: f.all }) };
}

export interface PurchaseOrderDrafts {
  location: string;
  originDay: string;
  drafts: { id: number; supplier: string; status: string; lines: DraftLine[] }[];
}

/**
 * Purchase-order drafts from a day's suggestions, one per supplier. One draft per (location, day,
 * supplier), so a retry returns the same drafts.
 */
export async function draftPurchaseOrders(db: Database, b: { location: string; originDay?: string; suppliers?: string[] }): Promise<PurchaseOrderDrafts> {
  const loc = await locationIdOf(db, b.location);
  const day = b.originDay ?? (await latestSuggestionDay(db, loc));
  if (!day) throw new UnprocessableError('no_reorder_suggestions', `there are no reorder suggestions for ${b.location} yet; run a forecast first (POST /v1/forecasts/runs)`);
  const drafts = await withTransaction(db, async (trx) => {
    const bySupplier = new Map<string, SuggestedLine[]>();
    for (const l of await suggestedLines(trx, day, loc)) {
      const s = l.supplier_code ?? NO_SUPPLIER;
      if (b.suppliers && !b.suppliers.includes(s)) continue;
      bySupplier.set(s, [...(bySupplier.get(s) ?? []), l]);
    }
    const out = [];
    for (const [supplier, lines] of [...bySupplier.entries()].sort(([a], [c]) => a.localeCompare(c))) {
      const draft = await ensureDraft(trx, { key: `${b.location}:${day}:${supplier}`, supplier, locationId: loc, day, lines });
      out.push({ id: draft.id, supplier, status: draft.status });
    }
    return out;
  });
  const lines = await listDraftLines(db, drafts.map((d) => d.id));
  return { location: b.location, originDay: day, drafts: drafts.map((d) => ({ ...d, lines: lines.get(d.id)! })) };
}
