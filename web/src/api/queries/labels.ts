import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../client';
import type { LabelBatch, LabelSheet } from '../views-ops';

export function useLabelBatches() {
  return useQuery({ queryKey: ['label-batches'], queryFn: () => unwrap<{ items: LabelBatch[] }>(api.GET('/v1/label-batches', { params: { query: { limit: 20 } } })) });
}

/** Labels of one batch, or of some products at today's prices. */
export function useLabels(source: { batch: string } | { skus: string[] } | null) {
  const query = source && ('batch' in source ? { batch: Number(source.batch) } : { skus: source.skus.join(',') });
  return useQuery({
    queryKey: ['labels', query],
    queryFn: () => unwrap<LabelSheet>(api.GET('/v1/labels', { params: { query: query! } })),
    enabled: !!query,
  });
}
