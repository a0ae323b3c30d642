/**
 * Response shapes the pages use. Each is the generated type when the OpenAPI document describes
 * the answer, else the local shape written here (`Or`), so once the document grows a schema a
 * page that reads a field the API does not send stops compiling.
 */
import type { paths } from './schema';

type JsonOf<R> = R extends { content: { 'application/json': infer T } } ? T : never;
type Responses<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { responses: infer R } ? R : never;
/** The JSON of the 200/201 answer of an operation in the generated document (never if undescribed). */
export type Ok<P extends keyof paths, M extends keyof paths[P]> = JsonOf<Responses<P, M>[200 & keyof Responses<P, M>]> | JsonOf<Responses<P, M>[201 & keyof Responses<P, M>]>;
type Or<G, L> = [G] extends [never] ? L : G;
type ItemOf<T> = T extends { items: (infer I)[] } ? I : never;

export type Role = 'admin' | 'deposito' | 'negocio' | 'ml_service' | 'viewer';
export type Unit = 'unit' | 'kg' | 'l';
export type MovementType = 'sale' | 'receipt' | 'adjustment' | 'count' | 'transfer';

export interface User {
  id: number;
  username: string;
  displayName: string;
  role: Role;
}
export interface UserView extends User {
  active: boolean;
  passwordChangedAt: string;
  createdAt: string;
  updatedAt: string;
}
export interface Me {
  user: User;
  csrfToken: string;
}
export type SessionAnswer = Me;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

interface LocalProduct {
  sku: string;
  barcode: string | null;
  name: string;
  category: string;
  unit: Unit;
  reorderPoint: string;
  allowNegativeStock: boolean;
  /** Σ over locations. */
  onHand: string;
  /** Balance per location (locations that ever had a movement of it). */
  stock: { location: string; quantity: string }[];
  belowReorderPoint: boolean;
  /** Pesos as decimal strings; margin in percent of the price net of national taxes. */
  price: string | null;
  replacementCost: string | null;
  marginPct: string | null;
  createdAt: string;
  updatedAt: string;
}
export type Product = Or<ItemOf<Ok<'/v1/products', 'get'>>, LocalProduct>;

interface LocalStockRow {
  sku: string;
  name: string;
  category: string;
  unit: Unit;
  location: string;
  quantity: string;
  reorderPoint: string;
  updatedAt: string;
}
export type StockRow = Or<ItemOf<Ok<'/v1/stock', 'get'>>, LocalStockRow>;

interface LocalLocation {
  code: string;
  name: string;
  createdAt: string;
}
export type Location = Or<ItemOf<Ok<'/v1/locations', 'get'>>, LocalLocation>;

interface LocalMovement {
  id: string;
  idempotencyKey: string;
  status: 'queued' | 'applied' | 'rejected';
  reason: string | null;
  detail: { available?: string; [k: string]: unknown } | null;
  type: MovementType;
  sku: string;
  location: string;
  toLocation: string | null;
  quantity: string;
  unitCost: string | null;
  adjustmentReason: string | null;
  reference: string | null;
  occurredAt: string;
  createdAt: string;
  processedAt: string | null;
  balanceAfter: string | null;
  toBalanceAfter: string | null;
}
export type Movement = Or<Ok<'/v1/stock-movements/{id}', 'get'>, LocalMovement>;

interface LocalBatch {
  id: string;
  status: 'queued' | 'completed';
  atomic?: boolean;
  count: number;
  applied: number;
  rejected: number;
  movements: { id: string; seq: number; status: 'queued' | 'applied' | 'rejected'; reason: string | null; detail: { available?: string } | null; sku: string; balanceAfter: string | null }[];
}
export type Batch = Or<Ok<'/v1/stock-movements/batches/{id}', 'get'>, LocalBatch>;

interface LocalApiKey {
  id: number;
  name: string;
  role: Role;
  prefix: string;
  createdAt: string;
  revokedAt: string | null;
}
export type ApiKey = Or<ItemOf<Ok<'/v1/api-keys', 'get'>>, LocalApiKey>;

export interface KardexRow {
  ledgerId: number;
  movementId: string;
  type: MovementType;
  location: string;
  /** The other side of a transfer. */
  counterpartLocation: string | null;
  quantity: string;
  /** The location's balance right after this row. */
  balanceAfter: string;
  unitCost: string | null;
  reason: string | null;
  reference: string | null;
  occurredAt: string;
  recordedAt: string;
}
export interface KardexPage {
  sku: string;
  unit: Unit;
  items: KardexRow[];
  nextCursor: string | null;
}
export interface StockHistory {
  unit: Unit;
  timeZone: string;
  locations: string[];
  /** One point per shop day, oldest first. */
  points: { day: string; total: string; byLocation: Record<string, string> }[];
}

export interface Sales {
  units: string;
  kg: string;
  liters: string;
  amount: string;
}
export interface Summary {
  asOf: string;
  timeZone: string;
  inventory: { atCost: string; atPrice: string; productsWithoutCost: number; productsWithoutPrice: number };
  sold: { today: Sales; last7Days: Sales };
  belowReorderPoint: number;
  invoicesNeedingReview: number;
  costAlerts: { last7Days: number; sellingAtLoss: number };
  dailySales: (Sales & { day: string })[];
  queues: { queue: string; reachable: boolean; waiting: number | null; active: number | null; delayed: number | null; failed: number | null }[];
}

/** The answer to creating an API key: the key itself is shown only this once. */
export interface CreatedApiKey {
  id: number;
  key: string;
  name: string;
  role: Role;
  createdAt: string;
}
