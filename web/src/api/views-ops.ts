/**
 * Response shapes of the part-2 pages (invoices, prices, labels, forecasts, queues). Written here
 * until the OpenAPI document describes these answers (then switch each to `Ok<…>` as views.ts does).
 */
import type { Unit } from './views';

export type InvoiceStatus = 'queued' | 'extracting' | 'needs_review' | 'ready' | 'posting' | 'posted' | 'failed' | 'rejected';

export interface InvoiceListItem {
  id: string;
  status: InvoiceStatus;
  reason: string | null;
  issuerCuit: string | null;
  supplierName: string | null;
  issueDate: string | null;
  duplicateOf: string | null;
  type: number | null;
  pointOfSale: number | null;
  number: number | null;
  total: string | null;
  confidence: number | null;
  createdAt: string;
}

export interface InvoiceField {
  value: string | number;
  source: 'qr' | 'text' | 'ocr' | 'manual' | string;
  confidence: number;
}

export interface InvoiceLine {
  lineNo: number;
  code: string | null;
  barcode: string | null;
  description: string;
  quantity: string;
  unit: string;
  unitPrice: string;
  ivaRate: string | null;
  amount: string;
  confidence: number;
  packUnits: number;
  match: { sku: string; score: number; by: string } | null;
  flagged: boolean;
}

export interface InvoiceView {
  id: string;
  status: InvoiceStatus;
  reason: string | null;
  duplicateOf: string | null;
  fields: Record<string, InvoiceField | undefined>;
  lines: InvoiceLine[];
  confidence: number | null;
  extraction: { methods?: string[]; conflicts?: string[]; totalsCheck?: { ok: boolean; checked: boolean; expectedTotal: string; deviation: number; linesMatchNet: boolean | null } | null } | null;
  file: string;
  createdAt: string;
  postedAt: string | null;
}

export interface PostingResult {
  id: string;
  status: InvoiceStatus;
  postedAt: string | null;
  receipts: { lineNo: number; sku: string; name: string; unit: Unit; location: string; quantity: string; unitCost: string | null; status: string; rejectionReason: string | null; balanceAfter: string | null }[];
  costChanges: { sku: string; name: string; previousCost: string | null; newCost: string; changePct: string | null }[];
  alerts: { id: number; sku: string; name: string; previousCost: string | null; newCost: string; changePct: string | null; bandPct: number | null; sellingAtLoss: boolean }[];
  repricing: { runId: string; status: string; productsChanged: number; labelBatchId: number | null } | null;
}

export interface PricingRule {
  category: string;
  isDefault: boolean;
  markupPct: string;
  minMarginPct: string;
  roundingStep: string;
  ending: string;
  maxChangePct: string | null;
  priceAheadDays: number | null;
}

export interface PriceRun {
  id: string;
  trigger: string;
  status: 'planned' | 'running' | 'completed' | 'failed';
  scope: { kind: 'all' | 'category' | 'products'; category?: string; products?: number };
  reason: string;
  forced: boolean;
  progress: number;
  chunks: { total: number; done: number };
  productsExamined: number;
  productsChanged: number;
  productsCapped: number;
  productsAtFloor: number;
  labelBatchId: number | null;
  createdAt: string;
  completedAt: string | null;
  failure: { reason: string; at: string } | null;
}

export interface CostAlert {
  id: number;
  sku: string;
  name: string;
  category: string;
  previousCost: string | null;
  newCost: string;
  changePct: string | null;
  bandPct: number | null;
  sellingAtLoss: boolean;
  price: string | null;
  source: string;
  createdAt: string;
}

export interface MarginRow {
  sku: string;
  name: string;
  category: string;
  replacementCost: string | null;
  price: string | null;
  marginPct: string | null;
  minMarginPct: string;
  belowMinimumMargin: boolean;
}
export interface Margins {
  items: MarginRow[];
  categories: { category: string; products: number; marginPct: string | null; minMarginPct: string; belowMinimum: number }[];
  nextCursor: string | null;
}

export interface PriceHistoryItem {
  id: number;
  oldPrice: string | null;
  newPrice: string;
  cost: string;
  reason: string;
  changedAt: string;
}

export interface IndexRow {
  series: 'official' | 'expected';
  period: string;
  rate: string;
}

export interface ShelfLabel {
  sku: string;
  name: string;
  unit: Unit;
  price: string;
  priceWithoutNationalTaxes: string;
  unitPrice: string | null;
  unitPricePer: 'kg' | 'l' | null;
  previousPrice: string | null;
  barcode: string | null;
  barcodeFormat: 'ean13' | 'code128' | null;
  barcodeSvg: string | null;
}
export interface LabelSheet {
  source: { kind: 'batch'; batchId: number; runId: string; reason: string; createdAt: string } | { kind: 'products' };
  truncated: boolean;
  items: ShelfLabel[];
  unpriced: string[];
}
export interface LabelBatch {
  id: number;
  runId: string;
  reason: string;
  trigger: string;
  productCount: number;
  createdAt: string;
}

export interface ForecastAnswer {
  sku: string;
  name: string;
  unit: Unit;
  originDay: string | null;
  items: { location: string; day: string; p50: string; p90: string; mean: string }[];
}
export interface SalesHistory {
  sku: string;
  name: string;
  unit: Unit;
  items: { day: string; quantity: string }[];
}

export interface ReorderSuggestion {
  sku: string;
  name: string;
  unit: Unit;
  location: string;
  supplier: string;
  leadTimeDays: number;
  reviewPeriodDays: number;
  demand: string;
  safetyStock: string;
  onHand: string;
  onOrder: string;
  packSize: string;
  packs: number;
  quantity: string;
}

export interface PurchaseOrderLine {
  sku: string;
  name: string;
  unit: Unit;
  barcode: string | null;
  packs: number;
  packSize: string;
  quantity: string;
  unitCost: string | null;
  amount: string | null;
}
export interface PurchaseOrder {
  id: number;
  supplier: string;
  location: string;
  originDay: string;
  status: 'draft' | 'ordered' | 'received' | 'cancelled';
  lineCount: number;
  createdAt: string;
  ordered: { at: string; by: string } | null;
  cancelled: { at: string; by: string } | null;
  lines?: PurchaseOrderLine[];
  estimatedTotal?: string;
  linesWithoutCost?: number;
}

export interface QueueOverview {
  items: { queue: string; paused: boolean; counts: Record<'waiting' | 'active' | 'delayed' | 'failed' | 'completed' | 'paused' | 'prioritized' | 'waiting-children', number> }[];
  dashboard: string;
}
export interface FailedJob {
  id: string;
  name: string;
  failedReason: string | null;
  attemptsMade: number;
  attempts: number;
  createdAt: string;
  processedAt: string | null;
  failedAt: string | null;
}
