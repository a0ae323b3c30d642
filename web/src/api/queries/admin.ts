import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../client';
import type { ApiKey, CreatedApiKey, Role, UserView } from '../views';

export function useUsers() {
  return useQuery({ queryKey: ['users'], queryFn: () => unwrap<{ items: UserView[] }>(api.GET('/v1/users')), select: (d) => d.items });
}

export function useCreateUser() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { username: string; displayName: string; role: Role; password: string }) => unwrap<UserView>(api.POST('/v1/users', { body })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['users'] }),
  });
}

export function useUpdateUser() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: { id: number; displayName?: string; role?: Role; active?: boolean; password?: string }) => unwrap<UserView>(api.PATCH('/v1/users/{id}', { params: { path: { id } }, body })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['users'] }),
  });
}

export function useApiKeys() {
  return useQuery({ queryKey: ['api-keys'], queryFn: () => unwrap<{ items: ApiKey[] }>(api.GET('/v1/api-keys')), select: (d) => d.items });
}

export function useCreateApiKey() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { name: string; role: Role }) => unwrap<CreatedApiKey>(api.POST('/v1/api-keys', { body })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['api-keys'] }),
  });
}

export function useRevokeApiKey() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => unwrap(api.DELETE('/v1/api-keys/{id}', { params: { path: { id: String(id) } } })),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['api-keys'] }),
  });
}
