import { keepPreviousData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../client';
import { ApiError } from '../problem';
import type { KardexPage, Page, Product, StockHistory, Unit } from '../views';

export interface ProductFilters {
  q?: string;
  category?: string;
  /** Only products that have stock rows at this location. */
  location?: string;
  belowReorderPoint?: boolean;
}

const listQuery = (f: ProductFilters, limit: number, cursor?: string) => ({
  ...(f.q ? { q: f.q } : {}),
  ...(f.category ? { category: f.category } : {}),
  ...(f.location ? { location: f.location } : {}),
  ...(f.belowReorderPoint ? { belowReorderPoint: 'true' as const } : {}),
  limit,
  ...(cursor ? { cursor } : {}),
});

/** Product list with "load more" (cursor pages); keeps showing the last answer while typing. */
export function useProductList(f: ProductFilters, limit = 50) {
  return useInfiniteQuery({
    queryKey: ['products', 'list', f, limit],
    queryFn: ({ pageParam }) => unwrap<Page<Product>>(api.GET('/v1/products', { params: { query: listQuery(f, limit, pageParam) } })),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

/** Every product matching the filters (for CSV export), following cursors. */
export async function fetchAllProducts(f: ProductFilters): Promise<Product[]> {
  const out: Product[] = [];
  let cursor: string | undefined;
  do {
    const page = await unwrap<Page<Product>>(api.GET('/v1/products', { params: { query: listQuery(f, 500, cursor) } }));
    out.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && out.length < 20_000);
  return out;
}

/** Search as you type (few results, for pickers). */
export function useProductSearch(q: string) {
  const text = q.trim();
  return useQuery({
    queryKey: ['products', 'search', text],
    queryFn: () => unwrap<Page<Product>>(api.GET('/v1/products', { params: { query: { q: text, limit: 8 } } })),
    enabled: text.length >= 2,
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
}

/**
 * What a scanner or a person typed: a barcode, a SKU or (failing both) the first name match.
 * `undefined` when nothing matches.
 */
export async function findProductByCode(code: string): Promise<Product | undefined> {
  const text = code.trim();
  if (!text) return undefined;
  if (/^\d{6,14}$/.test(text)) {
    const byBarcode = await unwrap<Page<Product>>(api.GET('/v1/products', { params: { query: { barcode: text, limit: 1 } } }));
    if (byBarcode.items[0]) return byBarcode.items[0];
  }
  try {
    return await unwrap<Product>(api.GET('/v1/products/{sku}', { params: { path: { sku: text } } }));
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 404)) throw err;
  }
  const byText = await unwrap<Page<Product>>(api.GET('/v1/products', { params: { query: { q: text, limit: 1 } } }));
  return byText.items[0];
}

export function useProduct(sku: string | undefined) {
  return useQuery({
    queryKey: ['products', 'one', sku],
    queryFn: () => unwrap<Product>(api.GET('/v1/products/{sku}', { params: { path: { sku: sku! } } })),
    enabled: !!sku,
  });
}

export interface ProductInput {
  sku: string;
  name: string;
  category: string;
  unit: Unit;
  barcode: string | null;
  reorderPoint: string;
  allowNegativeStock: boolean;
}

export function useCreateProduct() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (p: ProductInput) => unwrap<Product>(api.POST('/v1/products', { body: p })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['products'] }),
  });
}

export function useUpdateProduct(sku: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (p: Omit<ProductInput, 'sku' | 'unit'>) => unwrap<Product>(api.PATCH('/v1/products/{sku}', { params: { path: { sku } }, body: p })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['products'] }),
  });
}

export interface KardexFilters {
  location?: string;
  type?: string;
  /** Shop days `YYYY-MM-DD` (Buenos Aires), both included. */
  from?: string;
  to?: string;
}

/** The product's ledger with running balance, newest first, in pages. */
export function useKardex(sku: string, f: KardexFilters) {
  return useInfiniteQuery({
    queryKey: ['products', 'kardex', sku, f],
    queryFn: ({ pageParam }) =>
      unwrap<KardexPage>(
        api.GET('/v1/products/{sku}/kardex', {
          params: { path: { sku }, query: { ...(f.location ? { location: f.location } : {}), ...(f.type ? { type: f.type } : {}), ...(f.from ? { from: f.from } : {}), ...(f.to ? { to: f.to } : {}), limit: 50, ...(pageParam ? { cursor: pageParam } : {}) } },
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function useStockHistory(sku: string, days = 90) {
  return useQuery({
    queryKey: ['products', 'stock-history', sku, days],
    queryFn: () => unwrap<StockHistory>(api.GET('/v1/products/{sku}/stock-history', { params: { path: { sku }, query: { days } } })),
  });
}
