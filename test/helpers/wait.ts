/**
 * Polls until `check` returns a value (not undefined or false) and returns it; throws after
 * `timeoutMs`. A guard against hanging, not a timing assertion.
 */
export async function eventually<T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs = 60_000, intervalMs = 100): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
