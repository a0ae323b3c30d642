import { useCallback, useRef } from 'react';
import { newIdempotencyKey } from '../api/client';

/**
 * One Idempotency-Key per form submission: `key()` returns the same key until `renew()` is
 * called (after an answer, or when the form's contents change), so a double click or a retry of
 * the same submission records once.
 */
export function useSubmissionKey(prefix = 'web') {
  const ref = useRef<string | null>(null);
  const key = useCallback(() => (ref.current ??= newIdempotencyKey(prefix)), [prefix]);
  const renew = useCallback(() => {
    ref.current = null;
  }, []);
  return { key, renew };
}
