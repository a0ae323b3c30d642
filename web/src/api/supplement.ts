/**
 * Paths the app uses that the OpenAPI document does not describe yet, in openapi-typescript's
 * shape. Remove an entry as soon as the document describes it (the generated type then rules).
 */
import type { Me, Role, SessionAnswer, Summary, KardexPage, StockHistory, UserView } from './views';

type Json<T> = { headers: { [name: string]: unknown }; content: { 'application/json': T } };
type NoContent = { headers: { [name: string]: unknown }; content?: never };
type NoParams = { query?: never; header?: never; path?: never; cookie?: never };
type Body<T> = { content: { 'application/json': T } };
type Op<R, P = NoParams, B = never> = { parameters: P; requestBody?: B; responses: R };

export interface supplementPaths {
  '/v1/sessions': { post: Op<{ 201: Json<SessionAnswer> }, NoParams, Body<{ username: string; password: string }>> };
  '/v1/sessions/current': { delete: Op<{ 204: NoContent }> };
  '/v1/me': { get: Op<{ 200: Json<Me> }> };
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
    get: Op<{ 200: Json<StockHistory> }, { query?: { location?: string; days?: number }; header?: never; path: { sku: string }; cookie?: never }>;
  };
}
