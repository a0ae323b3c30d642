/** Accuracy tallies for the invoice benchmark: by any grouping key, plus fields wrong but confident. */
import type { InvoiceExtraction } from '../../../../src/shared/domain/invoice/assemble.js';

/** The header fields an invoice is identified and posted by. */
export const KEY_FIELDS = ['issuerCuit', 'type', 'pointOfSale', 'number', 'issueDate', 'total'] as const;

export interface FieldResult {
  field: string;
  ok: boolean;
  /** A value was given (a missing field is not a wrong one). */
  present: boolean;
  confidence: number | null;
  source: string | null;
  expected: unknown;
  got: unknown;
}

export function compareFields(ex: InvoiceExtraction, expected: Record<string, unknown>): FieldResult[] {
  return Object.entries(expected).map(([field, exp]) => {
    const got = (ex.fields as Record<string, { value: unknown; confidence: number; source: string } | undefined>)[field];
    return { field, ok: got !== undefined && got.value === exp, present: got !== undefined, confidence: got?.confidence ?? null, source: got?.source ?? null, expected: exp, got: got?.value };
  });
}

export class Tally {
  private readonly counts = new Map<string, { ok: number; n: number }>();
  add(key: string, ok: boolean): void {
    const c = this.counts.get(key) ?? { ok: 0, n: 0 };
    c.n++;
    if (ok) c.ok++;
    this.counts.set(key, c);
  }
  pct(key: string): number | null {
    const c = this.counts.get(key);
    return c && c.n ? Math.round((c.ok / c.n) * 10000) / 100 : null;
  }
  n(key: string): number {
    return this.counts.get(key)?.n ?? 0;
  }
  /** `{ key: pct }` for keys starting with `prefix` (the prefix removed). */
  table(prefix: string): Record<string, number | null> {
    const out: Record<string, number | null> = {};
    for (const k of [...this.counts.keys()].sort()) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = this.pct(k);
    return out;
  }
}
