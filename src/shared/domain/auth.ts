/** Rules for people signing in: password policy and how repeated failures are slowed down. No I/O. */

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 200;

/** What is wrong with a new password, in words a person can act on; undefined when it is fine. */
export function passwordProblem(password: string, username?: string): string | undefined {
  if (password.length < PASSWORD_MIN_LENGTH) return `must be at least ${PASSWORD_MIN_LENGTH} characters long`;
  if (password.length > PASSWORD_MAX_LENGTH) return `must be at most ${PASSWORD_MAX_LENGTH} characters long`;
  if (password.trim().length === 0) return 'must not be only spaces';
  if (username && password.toLowerCase().includes(username.toLowerCase())) return 'must not contain the username';
  return undefined;
}

export interface LoginThrottlePolicy {
  /** Failures per username inside `lockMs` that lock it for `lockMs`. */
  usernameLimit: number;
  /** Failures per client address (a shop's PCs often share one) inside `lockMs` that lock it. */
  addressLimit: number;
  lockMs: number;
  /** Pause after the first failure; doubles with each further one, capped at `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
}

/** The pause before answering a wrong password, after `failures` failures in the window. */
export function failureDelayMs(failures: number, policy: Pick<LoginThrottlePolicy, 'baseDelayMs' | 'maxDelayMs'>): number {
  if (failures <= 0 || policy.baseDelayMs <= 0) return 0;
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(failures - 1, 20));
}

/** Whole seconds until `until` (at least 1), for `Retry-After`. */
export function retryAfterSeconds(until: Date, now: Date): number {
  return Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 1000));
}
