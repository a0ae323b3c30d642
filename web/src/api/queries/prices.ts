import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../client';
import type { CostAlert, IndexRow, Margins, PriceHistoryItem, PriceRun, PricingRule } from '../views-ops';

export function usePricingRules() {
  return useQuery({ queryKey: ['pricing-rules'], queryFn: () => unwrap<{ items: PricingRule[] }>(api.GET('/v1/pricing-rules')) });
}

export interface RuleInput {
  markupPct: string;
  minMarginPct: string;
  roundingStep: string;
  ending: string;
  maxChangePct: string | null;
  priceAheadDays: number | null;
}

export function useSaveRule() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ category, rule }: { category: string; rule: RuleInput }) =>
      unwrap<PricingRule>(api.PUT('/v1/pricing-rules/{category}', { params: { path: { category } }, body: rule as never })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['pricing-rules'] }),
  });
}

export type RunScope = { all: true } | { category: string } | { skus: string[] };

export function useStartRun() {
  return useMutation({
    mutationFn: ({ scope, reason, force, key }: { scope: RunScope; reason: string; force: boolean; key: string }) =>
      unwrap(api.POST('/v1/prices/recalculate', { body: { ...scope, reason, force } as never, headers: { 'Idempotency-Key': key } })),
  });
}

/** A run, polled every second until it completes or fails. */
export function usePriceRun(id: string | null) {
  return useQuery({
    queryKey: ['price-run', id],
    queryFn: () => unwrap<PriceRun>(api.GET('/v1/price-runs/{id}', { params: { path: { id: id! } } })),
    enabled: !!id,
    refetchInterval: (q) => (q.state.data && (q.state.data.status === 'completed' || q.state.data.status === 'failed') ? false : 1000),
  });
}

export function usePriceRuns() {
  return useQuery({ queryKey: ['price-runs'], queryFn: () => unwrap(api.GET('/v1/price-runs', { params: { query: { limit: 10 } } })) });
}

export function useCostAlerts() {
  return useQuery({ queryKey: ['cost-alerts'], queryFn: () => unwrap<{ items: CostAlert[] }>(api.GET('/v1/cost-alerts', { params: { query: { limit: 100 } } })) });
}

export function useMargins() {
  return useQuery({ queryKey: ['margins'], queryFn: () => unwrap<Margins>(api.GET('/v1/margins', { params: { query: { limit: 200 } } })) });
}

export function usePriceHistory(sku: string) {
  return useQuery({
    queryKey: ['price-history', sku],
    queryFn: () => unwrap<{ items: PriceHistoryItem[] }>(api.GET('/v1/prices/{sku}/history', { params: { path: { sku }, query: { limit: 200 } } })),
    enabled: !!sku,
  });
}

export function useInflationIndex() {
  return useQuery({ queryKey: ['inflation-index'], queryFn: () => unwrap<{ items: IndexRow[] }>(api.GET('/v1/inflation-index')) });
}

export function useImportIndex() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ csv, series }: { csv: string; series: 'official' | 'expected' }) =>
      unwrap<unknown>(
        api.POST('/v1/inflation-index/import', { params: { query: { series } } as never, body: csv as never, bodySerializer: (b: unknown) => b as string, headers: { 'Content-Type': 'text/csv' } }),
      ),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['inflation-index'] }),
  });
}
