import { createHash, randomUUID } from 'node:crypto';
import test from 'ava';
import { startTestSystem, type TestSystem } from '../../helpers/system.js';
import { newApiKey, newLocation, newProduct } from '../../helpers/factories.js';

let sys: TestSystem;
let deposito: string;
let negocio: string;
let viewer: string;
test.before(async () => {
  sys = await startTestSystem({ workers: false, env: { INVOICE_COST_BAND_PCT: '15' } });
  deposito = await newApiKey(sys.database.db, 'deposito');
  negocio = await newApiKey(sys.database.db, 'negocio');
  viewer = await newApiKey(sys.database.db, 'viewer');
});
test.after.always(async () => {
  await sys?.close();
});

/** A reviewed invoice of one line: 10 units at `unitPriceCents` of a product whose replacement cost is `costCents`. */
async function readyInvoice(costCents: number, unitPriceCents: number) {
  const db = sys.database.db;
  const loc = await newLocation(db);
  const product = await newProduct(db);
  await db.updateTable('products').set({ replacement_cost_cents: costCents } as never).where('id', '=', product.id).execute();
  const content = Buffer.from(`%PDF-1.4 ${randomUUID()}`);
  const key = createHash('sha256').update(content).digest('hex');
  await db.insertInto('invoice_files').values({ content_key: key, mime_type: 'application/pdf', size_bytes: content.length, content } as never).execute();
  const id = randomUUID();
  await db.insertInto('invoices').values({ id, file_key: key, status: 'ready', location_id: loc.id } as never).execute();
  await db
    .insertInto('invoice_lines')
    .values({ invoice_id: id, line_no: 1, description: 'ACEITE 1L', quantity: '10', unit: 'u', unit_price_cents: unitPriceCents, amount_cents: unitPriceCents * 10, confidence: 1, arithmetic_ok: true, product_id: product.id, match_by: 'manual', match_score: 1 } as never)
    .execute();
  return { id, product };
}

const status = async (id: string) => (await sys.database.db.selectFrom('invoices').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;

test.serial('a deposito key cannot raise a cost past the band by correcting a line; a negocio key can', async (t) => {
  const { id } = await readyInvoice(1100, 1100);
  const denied = await sys.http(`/v1/invoices/${id}`, { method: 'PATCH', key: deposito, json: { lines: [{ lineNo: 1, unitPrice: '999.99' }] } });
  t.is(denied.status, 403);
  t.regex(denied.body.detail, /changes costs by more than 15 %/);
  const line = await sys.database.db.selectFrom('invoice_lines').select('unit_price_cents').where('invoice_id', '=', id).executeTakeFirstOrThrow();
  t.is(Number(line.unit_price_cents), 1100, 'the refused correction wrote nothing');
  const small = await sys.http(`/v1/invoices/${id}`, { method: 'PATCH', key: deposito, json: { lines: [{ lineNo: 1, unitPrice: '12.00' }] } });
  t.is(small.status, 200, 'within the band a deposito corrects freely');
  const allowed = await sys.http(`/v1/invoices/${id}`, { method: 'PATCH', key: negocio, json: { lines: [{ lineNo: 1, unitPrice: '999.99' }] } });
  t.is(allowed.status, 200);
});

test.serial('posting a price-changing invoice needs a price role approval before a deposito may post; negocio cannot receive stock', async (t) => {
  const { id } = await readyInvoice(1100, 99_999);
  const byNegocio = await sys.http(`/v1/invoices/${id}/post`, { method: 'POST', key: negocio });
  t.is(byNegocio.status, 403, 'negocio does not receive stock');
  const byDeposito = await sys.http(`/v1/invoices/${id}/post`, { method: 'POST', key: deposito });
  t.is(byDeposito.status, 403);
  t.regex(byDeposito.body.detail, /approve-prices/);
  t.is(await status(id), 'ready', 'nothing happened');
  t.is((await sys.http(`/v1/invoices/${id}/approve-prices`, { method: 'POST', key: deposito })).status, 403);
  t.is((await sys.http(`/v1/invoices/${id}/approve-prices`, { method: 'POST', key: negocio })).status, 200);
  // A correction after the approval clears it.
  t.is((await sys.http(`/v1/invoices/${id}`, { method: 'PATCH', key: negocio, json: { lines: [{ lineNo: 1, unitPrice: '1000.00' }] } })).status, 200);
  t.is((await sys.http(`/v1/invoices/${id}/post`, { method: 'POST', key: deposito })).status, 403, 'approval cleared by the correction');
  t.is((await sys.http(`/v1/invoices/${id}/approve-prices`, { method: 'POST', key: negocio })).status, 200);
  const posted = await sys.http(`/v1/invoices/${id}/post`, { method: 'POST', key: deposito });
  t.is(posted.status, 202);
  t.is(await status(id), 'posting');
});

test.serial('a deposito posts an invoice whose costs stay within the band', async (t) => {
  const { id } = await readyInvoice(1100, 1150);
  const r = await sys.http(`/v1/invoices/${id}/post`, { method: 'POST', key: deposito });
  t.is(r.status, 202);
});

test.serial('invoice files are readable only by the roles that handle invoices', async (t) => {
  const { id } = await readyInvoice(1100, 1100);
  t.is((await sys.http(`/v1/invoices/${id}/file`, { key: viewer })).status, 403);
  t.is((await sys.http(`/v1/invoices/${id}/file`, { key: deposito })).status, 200);
  t.is((await sys.http(`/v1/invoices/${id}/file`, { key: negocio })).status, 200);
});
