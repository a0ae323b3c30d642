/**
 * Names for the answers the pages use, all taken from the generated OpenAPI types: a page that
 * reads a field the API does not send stops compiling.
 */
import type { paths } from './schema';

type JsonOf<R> = R extends { content: { 'application/json': infer T } } ? T : never;
type Responses<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { responses: infer R } ? R : never;
/** The JSON of the 200/201 answer of an operation. */
export type Ok<P extends keyof paths, M extends keyof paths[P]> = JsonOf<Responses<P, M>[200 & keyof Responses<P, M>]> | JsonOf<Responses<P, M>[201 & keyof Responses<P, M>]>;
/** One element of a list answer's `items`. */
export type ItemOf<T> = T extends { items: (infer I)[] } ? I : never;

export type Product = ItemOf<Ok<'/v1/products', 'get'>>;
export type Unit = Product['unit'];
export type Location = ItemOf<Ok<'/v1/locations', 'get'>>;
export type Movement = Ok<'/v1/stock-movements/{id}', 'get'>;
export type MovementType = Movement['type'];
export type Batch = Ok<'/v1/stock-movements/batches/{id}', 'get'>;
export type KardexRow = ItemOf<Ok<'/v1/products/{sku}/kardex', 'get'>>;
export type Summary = Ok<'/v1/summary', 'get'>;
export type Sales = Summary['sold']['today'];
/** `GET /v1/me` for a browser session (an API key answers without csrfToken). */
export type Me = Extract<Ok<'/v1/me', 'get'>, { csrfToken: string }>;
export type User = Me['user'];
export type Role = User['role'];
export type UserView = ItemOf<Ok<'/v1/users', 'get'>>;
export type ApiKey = ItemOf<Ok<'/v1/api-keys', 'get'>>;
/** The answer to creating an API key: the key itself is shown only this once. */
export type CreatedApiKey = Ok<'/v1/api-keys', 'post'>;
