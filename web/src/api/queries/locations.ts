import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../client';
import type { Location } from '../views';

export function useLocations() {
  return useQuery({ queryKey: ['locations'], queryFn: () => unwrap<{ items: Location[] }>(api.GET('/v1/locations')), staleTime: 5 * 60_000, select: (d) => d.items });
}

export function useCreateLocation() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { code: string; name: string }) => unwrap<Location>(api.POST('/v1/locations', { body })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['locations'] }),
  });
}
