import type { Database } from '../../../src/shared/db/database.js';
import { CATALOG } from '../../helpers/invoice-corpus/catalog.js';
import type { TestSystem } from '../../helpers/system.js';
import { eventually as poll } from '../../helpers/wait.js';

/** Polls until `check` returns a value; extraction by OCR gets a longer deadline than the default. */
export const eventually = <T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs = 180_000): Promise<T> => poll(check, what, timeoutMs, 200);

/** The corpus catalog as products, and one receiving location. */
export async function seedCatalog(db: Database): Promise<{ locationId: number }> {
  await db
    .insertInto('products')
    .values(CATALOG.map((p) => ({ sku: p.sku, barcode: p.barcode, name: p.name, category: p.category, unit: p.unit })))
    .execute();
  const loc = await db.insertInto('locations').values({ code: 'DEPOSITO', name: 'Depósito' }).returning('id').executeTakeFirstOrThrow();
  return { locationId: loc.id };
}

export async function uploadInvoice(sys: TestSystem, bytes: Buffer, name: string, type: string, fields: Record<string, string> = {}) {
  const form = new FormData();
  form.set('file', new Blob([new Uint8Array(bytes)], { type }), name);
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  return sys.http('/v1/invoices', { method: 'POST', body: form });
}

const BUSY = new Set(['queued', 'extracting', 'posting']);

/** Waits until the invoice leaves the queued/extracting/posting states and returns its view. */
export async function settled(sys: TestSystem, id: string) {
  return eventually(async () => {
    const r = await sys.http(`/v1/invoices/${id}`);
    return r.status === 200 && !BUSY.has(r.body.status) ? r.body : undefined;
  }, `invoice ${id} to settle`);
}

export async function invoiceCount(db: Database): Promise<number> {
  const r = await db.selectFrom('invoices').select(db.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}
