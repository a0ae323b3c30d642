/**
 * Paths the app uses that the OpenAPI document does not describe yet, in openapi-typescript's
 * shape. Remove an entry as soon as the document describes it (the generated type then rules).
 */
import type { CreatedApiKey, Batch, Movement, Product, Me, Role, SessionAnswer, Summary, KardexPage, StockHistory, UserView } from './views';

type Json<T> = { headers: { [name: string]: unknown }; content: { 'application/json': T } };
type NoContent = { headers: { [name: string]: unknown }; content?: never };
type NoParams = { query?: never; header?: never; path?: never; cookie?: never };
type Body<T> = { content: { 'application/json': T } };
type Op<R, P = NoParams, B = never> = { parameters: P; requestBody?: B; responses: R };

type SkuPath = { query?: never; header?: never; path: { sku: string }; cookie?: never };
type IdPath = { query?: never; header?: never; path: { id: string }; cookie?: never };
type ProductChanges = { name?: string; category?: string; barcode?: string | null; reorderPoint?: string; allowNegativeStock?: boolean };

export interface supplementPaths {
  '/v1/products/{sku}': { get: Op<{ 200: Json<Product> }, SkuPath>; patch: Op<{ 200: Json<Product> }, SkuPath, Body<ProductChanges>> };
  '/v1/stock-movements/{id}': { get: Op<{ 200: Json<Movement> }, IdPath> };
  '/v1/stock-movements/batches/{id}': { get: Op<{ 200: Json<Batch> }, IdPath> };
  '/v1/sessions': { post: Op<{ 201: Json<SessionAnswer> }, NoParams, Body<{ username: string; password: string }>> };
  '/v1/sessions/current': { delete: Op<{ 204: NoContent }> };
  '/v1/me': { get: Op<{ 200: Json<Me> }> };
  '/v1/api-keys': { post: Op<{ 201: Json<CreatedApiKey> }, NoParams, Body<{ name: string; role: Role }>>; get: Op<{ 200: Json<{ items: import('./views').ApiKey[] }> }> };
  '/v1/api-keys/{id}': { delete: Op<{ 204: NoContent }, IdPath> };
  '/v1/summary': { get: Op<{ 200: Json<Summary> }> };
  '/v1/users': {
    get: Op<{ 200: Json<{ items: UserView[] }> }>;
    post: Op<{ 201: Json<UserView> }, NoParams, Body<{ username: string; displayName: string; role: Role; password: string }>>;
  };
  '/v1/users/{id}': {
    patch: Op<{ 200: Json<UserView> }, { query?: never; header?: never; path: { id: number | string }; cookie?: never }, Body<{ displayName?: string; role?: Role; active?: boolean; password?: string }>>;
  };
  '/v1/products/{sku}/kardex': {
    get: Op<{ 200: Json<KardexPage> }, { query?: { location?: string; type?: string; from?: string; to?: string; limit?: number; cursor?: string }; header?: never; path: { sku: string }; cookie?: never }>;
  };
  '/v1/products/{sku}/stock-history': {
    get: Op<{ 200: Json<StockHistory> }, { query?: { days?: number }; header?: never; path: { sku: string }; cookie?: never }>;
  };
}
