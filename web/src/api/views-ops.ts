/**
 * Response shapes of the part-2 pages (invoices, prices, labels, forecasts, queues), taken from the
 * generated OpenAPI types, so a changed answer breaks the web build. `InvoiceField` is the one shape
 * the document leaves open (the fields of an extraction are free-form JSON).
 */
import type { Ok } from './views';

type ItemOf<T> = T extends { items: (infer I)[] } ? I : never;

export type InvoiceStatus = InvoiceListItem['status'];
export type InvoiceListItem = ItemOf<Ok<'/v1/invoices', 'get'>>;
export interface InvoiceField {
  value: string | number;
  source: 'qr' | 'text' | 'ocr' | 'manual' | string;
  confidence: number;
}
export type InvoiceView = Ok<'/v1/invoices/{id}', 'get'>;
export type InvoiceLine = InvoiceView['lines'][number];
export type PostingResult = Ok<'/v1/invoices/{id}/posting', 'get'>;
export type PricingRule = ItemOf<Ok<'/v1/pricing-rules', 'get'>>;
export type PriceRun = Ok<'/v1/price-runs/{id}', 'get'>;
export type CostAlert = ItemOf<Ok<'/v1/cost-alerts', 'get'>>;
export type Margins = Ok<'/v1/margins', 'get'>;
export type MarginRow = Margins['items'][number];
export type PriceHistoryItem = ItemOf<Ok<'/v1/prices/{sku}/history', 'get'>>;
export type IndexRow = ItemOf<Ok<'/v1/inflation-index', 'get'>>;
export type LabelSheet = Ok<'/v1/labels', 'get'>;
export type ShelfLabel = LabelSheet['items'][number];
export type LabelBatch = ItemOf<Ok<'/v1/label-batches', 'get'>>;
export type ForecastAnswer = Ok<'/v1/forecasts', 'get'>;
export type SalesHistory = Ok<'/v1/sales-history', 'get'>;
export type ReorderSuggestion = ItemOf<Ok<'/v1/reorder-suggestions', 'get'>>;
export type PurchaseOrder = Ok<'/v1/purchase-orders/{id}', 'get'>;
export type PurchaseOrderSummary = ItemOf<Ok<'/v1/purchase-orders', 'get'>>;
export type PurchaseOrderDrafts = Ok<'/v1/purchase-orders/drafts', 'post'>;
export type PurchaseOrderLine = PurchaseOrder['lines'][number];
export type QueueOverview = Ok<'/v1/queues', 'get'>;
export type FailedJob = ItemOf<Ok<'/v1/queues/{queue}/failed', 'get'>>;
