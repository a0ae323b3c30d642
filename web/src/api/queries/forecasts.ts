import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../client';
import type { ForecastAnswer, PurchaseOrder, PurchaseOrderDrafts, PurchaseOrderSummary, ReorderSuggestion, SalesHistory } from '../views-ops';

export function useForecast(sku: string) {
  return useQuery({ queryKey: ['forecast', sku], queryFn: () => unwrap<ForecastAnswer>(api.GET('/v1/forecasts', { params: { query: { sku } } })), enabled: !!sku });
}

export function useSalesHistory(sku: string) {
  return useQuery({ queryKey: ['sales-history', sku], queryFn: () => unwrap<SalesHistory>(api.GET('/v1/sales-history', { params: { query: { sku, days: 42 } } })), enabled: !!sku });
}

export function useReorderSuggestions() {
  return useQuery({ queryKey: ['reorder-suggestions'], queryFn: () => unwrap<{ originDay: string | null; items: ReorderSuggestion[] }>(api.GET('/v1/reorder-suggestions')) });
}

export function usePurchaseOrders() {
  return useQuery({ queryKey: ['purchase-orders'], queryFn: () => unwrap<{ items: PurchaseOrderSummary[]; nextCursor: string | null }>(api.GET('/v1/purchase-orders', { params: { query: { limit: 30 } } })) });
}

export function usePurchaseOrder(id: number) {
  return useQuery({ queryKey: ['purchase-order', id], queryFn: () => unwrap<PurchaseOrder>(api.GET('/v1/purchase-orders/{id}', { params: { path: { id: String(id) } } })) });
}

export function useCreateDrafts() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ location, skus }: { location: string; skus: string[] }) =>
      unwrap<PurchaseOrderDrafts>(api.POST('/v1/purchase-orders/drafts', { body: { location, skus } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['purchase-orders'] }),
  });
}

export function useChangeOrder() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, action }: { id: number; action: 'order' | 'cancel' }) =>
      unwrap<PurchaseOrder>(action === 'order' ? api.POST('/v1/purchase-orders/{id}/order', { params: { path: { id: String(id) } } }) : api.POST('/v1/purchase-orders/{id}/cancel', { params: { path: { id: String(id) } } })),
    onSuccess: (order) => {
      qc.setQueryData(['purchase-order', order.id], order);
      void qc.invalidateQueries({ queryKey: ['purchase-orders'] });
      void qc.invalidateQueries({ queryKey: ['reorder-suggestions'] });
    },
  });
}
