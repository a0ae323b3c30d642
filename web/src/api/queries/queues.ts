import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../client';
import type { FailedJob, QueueOverview } from '../views-ops';

export type QueueName = QueueOverview['items'][number]['queue'];

export function useQueues() {
  return useQuery({ queryKey: ['queues'], queryFn: () => unwrap<QueueOverview>(api.GET('/v1/queues')), refetchInterval: 5000 });
}

export function useFailedJobs(queue: QueueName | null) {
  return useQuery({
    queryKey: ['queues', queue, 'failed'],
    queryFn: () => unwrap<{ total: number; items: FailedJob[] }>(api.GET('/v1/queues/{queue}/failed', { params: { path: { queue: queue! }, query: { limit: 20 } } })),
    enabled: !!queue,
    refetchInterval: 5000,
  });
}

export function useRetryJob() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ queue, id }: { queue: QueueName; id: string }) => unwrap<{ state: string }>(api.POST('/v1/queues/{queue}/jobs/{id}/retry', { params: { path: { queue, id } } })),
    onSettled: () => void qc.invalidateQueries({ queryKey: ['queues'] }),
  });
}
