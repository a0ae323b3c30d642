import { createContext, useContext, type ReactNode } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, setCsrfToken, unwrap } from '../api/client';
import { ApiError } from '../api/problem';
import type { Me, User } from '../api/views';
import { can, type Permission } from './permissions';

interface AuthState {
  user: User | null;
  loading: boolean;
  can: (p: Permission) => boolean;
}

const AuthContext = createContext<AuthState>({ user: null, loading: true, can: () => false });

export const meQueryKey = ['me'] as const;

async function fetchMe(): Promise<Me | null> {
  try {
    const me = await unwrap<Me>(api.GET('/v1/me'));
    setCsrfToken(me.csrfToken);
    return me;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      setCsrfToken(null);
      return null;
    }
    throw err;
  }
}

/** Who is signed in (from `GET /v1/me`); `null` when nobody is. */
export function AuthProvider({ children }: { children: ReactNode }) {
  const me = useQuery({ queryKey: meQueryKey, queryFn: fetchMe, staleTime: 5 * 60_000, retry: 1 });
  const user = me.data?.user ?? null;
  const value: AuthState = { user, loading: me.isPending, can: (p) => can(user?.role, p) };
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export const useAuth = () => useContext(AuthContext);

export function useSignIn() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { username: string; password: string }) => unwrap<Me>(api.POST('/v1/sessions', { body })),
    onSuccess: (me) => {
      setCsrfToken(me.csrfToken);
      // Forget what the previous person saw, but keep the `me` query its observers watch.
      qc.removeQueries({ predicate: (q) => q.queryKey[0] !== meQueryKey[0] });
      qc.setQueryData(meQueryKey, me);
    },
  });
}

export function useSignOut() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => unwrap(api.DELETE('/v1/sessions/current')),
    onSettled: () => {
      setCsrfToken(null);
      qc.setQueryData(meQueryKey, null);
      qc.removeQueries({ predicate: (q) => q.queryKey[0] !== meQueryKey[0] });
    },
  });
}
