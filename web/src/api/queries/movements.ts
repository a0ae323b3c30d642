import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../client';
import { ApiError } from '../problem';
import type { Batch, Movement, MovementType } from '../views';

export interface MovementInput {
  type: MovementType;
  sku: string;
  location: string;
  toLocation?: string;
  quantity: string;
  unitCost?: string;
  reason?: string;
  reference?: string;
}

/** A movement's outcome: the API answers 201 applied, 202 queued, or 409 rejected (with the movement). */
async function submit(input: MovementInput, key: string): Promise<Movement> {
  try {
    return await unwrap<Movement>(api.POST('/v1/stock-movements', { body: input, headers: { 'Idempotency-Key': key, Prefer: 'wait=5' } }));
  } catch (err) {
    if (err instanceof ApiError && err.status === 409 && err.body.status === 'rejected') return err.body as unknown as Movement;
    throw err;
  }
}

/** Records one movement (Idempotency-Key from the form, `Prefer: wait=5` for the outcome). */
export function useSubmitMovement() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ input, key }: { input: MovementInput; key: string }) => submit(input, key),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['products'] });
      void qc.invalidateQueries({ queryKey: ['stock'] });
      void qc.invalidateQueries({ queryKey: ['summary'] });
    },
  });
}

/** Follows a movement still queued until the worker decides. */
export function useMovement(id: string | undefined, enabled: boolean) {
  return useQuery({
    queryKey: ['movement', id],
    queryFn: () => unwrap<Movement>(api.GET('/v1/stock-movements/{id}', { params: { path: { id: id! } } })),
    enabled: !!id && enabled,
    refetchInterval: (q) => (q.state.data?.status === 'queued' || !q.state.data ? 1000 : false),
  });
}

/** Several movements as one job (a count); each line succeeds or is rejected on its own. */
export function useSubmitBatch() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ movements, key }: { movements: MovementInput[]; key: string }) =>
      unwrap<Batch>(api.POST('/v1/stock-movements/batch', { body: { movements, atomic: false }, headers: { 'Idempotency-Key': key, Prefer: 'wait=10' } })),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['products'] });
      void qc.invalidateQueries({ queryKey: ['stock'] });
      void qc.invalidateQueries({ queryKey: ['summary'] });
    },
  });
}

export function useBatch(id: string | undefined, enabled: boolean) {
  return useQuery({
    queryKey: ['batch', id],
    queryFn: () => unwrap<Batch>(api.GET('/v1/stock-movements/batches/{id}', { params: { path: { id: id! } } })),
    enabled: !!id && enabled,
    refetchInterval: (q) => (q.state.data?.status === 'completed' ? false : 1000),
  });
}
