import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../client';
import type { Summary } from '../views';

/** The shop at a glance; refreshed every 30 s while the page is open. */
export function useSummary() {
  return useQuery({ queryKey: ['summary'], queryFn: () => unwrap<Summary>(api.GET('/v1/summary')), refetchInterval: 30_000 });
}
