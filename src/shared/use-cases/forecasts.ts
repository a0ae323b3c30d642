import type { Database } from '../db/database.js';
import { findLocationId, findProductSummary } from '../db/repositories/catalog.repository.js';
import {
  latestForecastRun,
  latestSuggestionDay,
  listForecastDays,
  listSuggestions,
  type ForecastDay,
  type SuggestionView,
} from '../db/repositories/forecast-views.repository.js';
import { NotFoundError } from '../errors.js';

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

