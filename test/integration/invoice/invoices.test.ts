import test from 'ava';
import { Queue } from 'bullmq';
import { sql } from 'kysely';
import { formatCuit } from '../../../src/shared/domain/invoice/cuit.js';
import { formatScaled } from '../../../src/shared/domain/invoice/decimal.js';
import { photoOptions, renderImagePdf, renderPhoto, renderTextPdf } from '../../helpers/invoice-corpus/render.js';
import { makeInvoiceSpec } from '../../helpers/invoice-corpus/spec.js';
import { startTestSystem, type TestSystem } from '../../helpers/system.js';
import { eventually, invoiceCount, seedCatalog, settled, uploadInvoice } from './invoice-helpers.js';

let sys: TestSystem;

test.before(async () => {
  // Auto-posting off: the posting test posts by command and measures stock before and after.
  sys = await startTestSystem({
    env: { WORKER_QUEUES: 'invoice-ingest', INVOICE_MAX_UPLOAD_BYTES: String(2 * 1024 * 1024), OCR_POOL_SIZE: '2', INVOICE_AUTO_POST_CONFIDENCE: '1.01' },
  });
  await seedCatalog(sys.database.db);
});

test.after.always(async () => {
  await sys?.close();
});

const specA = makeInvoiceSpec(501, { letter: 'A', layout: 'afip', font: 'arimo', qr: true, lineCount: 4 });

test.serial('a text PDF with a fiscal QR is read from the QR and the text layer, and its lines matched', async (t) => {
  const up = await uploadInvoice(sys, await renderTextPdf(specA), 'factura.pdf', 'application/pdf');
  t.is(up.status, 202);
  t.is(up.body.status, 'queued');
  const inv = await settled(sys, up.body.id);
  t.true(['ready', 'needs_review', 'posted'].includes(inv.status), inv.status);
  t.like(inv.fields.issuerCuit, { value: formatCuit(specA.issuer.cuit), source: 'qr' });
  t.like(inv.fields.type, { value: 1, source: 'qr' });
  t.like(inv.fields.number, { value: specA.number, source: 'qr' });
  t.like(inv.fields.total, { value: formatScaled(specA.total, 2), source: 'qr' });
  t.like(inv.fields.receiverCuit, { value: formatCuit(specA.receiver.cuit), source: 'text' });
  t.true(inv.fields.total.confidence >= 0.99);
  t.is(inv.lines.length, specA.lines.length);
  for (const [i, l] of specA.lines.entries()) {
    t.is(inv.lines[i].quantity, formatScaled(l.quantity, 3, { trim: true }));
    t.is(inv.lines[i].match?.sku, l.product.sku, `line ${i + 1} matched to its product`);
    if (l.barcode) t.like(inv.lines[i].match, { by: 'barcode', score: 1 });
  }
  t.is(inv.file, `/v1/invoices/${up.body.id}/file`);
  const file = await fetch(`${sys.baseUrl}${inv.file}`, { headers: { authorization: `Bearer ${sys.adminKey}` } });
  t.is(file.headers.get('content-type'), 'application/pdf');
  t.deepEqual(Buffer.from(await file.arrayBuffer()), await renderTextPdf(specA));
});

test.serial('the same file uploaded twice is the same invoice', async (t) => {
  const bytes = await renderTextPdf(specA);
  const before = await invoiceCount(sys.database.db);
  const again = await uploadInvoice(sys, bytes, 'otra-vez.pdf', 'application/pdf');
  t.is(again.status, 200);
  const first = await sys.database.db.selectFrom('invoices').select('id').orderBy('created_at').executeTakeFirstOrThrow();
  t.is(again.body.id, first.id);
  t.is(await invoiceCount(sys.database.db), before);
});

test.serial('another copy of an invoice already recorded is rejected, pointing at the original', async (t) => {
  const original = await sys.database.db.selectFrom('invoices').select('id').orderBy('created_at').executeTakeFirstOrThrow();
  const scan = await renderImagePdf(specA);
  const up = await uploadInvoice(sys, scan, 'escaneada.pdf', 'application/pdf');
  t.is(up.status, 202);
  t.not(up.body.id, original.id);
  const inv = await settled(sys, up.body.id);
  t.is(inv.status, 'rejected');
  t.is(inv.reason, 'duplicate_invoice');
  t.is(inv.duplicateOf, original.id);
});

test.serial('a phone photo of a C invoice is read by OCR with the header right', async (t) => {
  const spec = makeInvoiceSpec(502, { letter: 'C', layout: 'distribuidora', font: 'dejavu-sans', qr: false, lineCount: 3 });
  const up = await uploadInvoice(sys, await renderPhoto(spec, photoOptions(502), 502), 'foto.jpg', 'image/jpeg');
  t.is(up.status, 202);
  const inv = await settled(sys, up.body.id);
  t.true(['ready', 'needs_review'].includes(inv.status), inv.status);
  t.like(inv.fields.issuerCuit, { value: formatCuit(spec.issuer.cuit), source: 'ocr' });
  t.like(inv.fields.pointOfSale, { value: spec.pointOfSale, source: 'ocr' });
  t.like(inv.fields.number, { value: spec.number, source: 'ocr' });
  t.like(inv.fields.issueDate, { value: spec.issueDate, source: 'ocr' });
  t.like(inv.fields.total, { value: formatScaled(spec.total, 2) });
  t.true(inv.fields.issuerCuit.confidence <= 0.95, 'OCR confidence stays below the QR and text layer');
  t.deepEqual(
    inv.lines.map((l: { amount: string }) => l.amount),
    spec.lines.map((l) => formatScaled(l.amount, 2)),
  );
});

test.serial('bad uploads get a clear 4xx and store nothing', async (t) => {
  const countFiles = async () => Number((await sys.database.db.selectFrom('invoice_files').select(sys.database.db.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
  const before = await invoiceCount(sys.database.db);
  const filesBefore = await countFiles();
  const empty = await uploadInvoice(sys, Buffer.alloc(0), 'vacia.pdf', 'application/pdf');
  t.is(empty.status, 400);
  const text = await uploadInvoice(sys, Buffer.from('hola, esto no es una factura'), 'factura.pdf', 'application/pdf');
  t.is(text.status, 415);
  t.is(text.body.code, 'unsupported_file_type');
  const big = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(2 * 1024 * 1024)]);
  const tooBig = await uploadInvoice(sys, big, 'grande.pdf', 'application/pdf');
  t.is(tooBig.status, 413);
  t.is(tooBig.body.code, 'file_too_large');
  const badCuit = await uploadInvoice(sys, await renderTextPdf(makeInvoiceSpec(503, { letter: 'B', layout: 'afip', font: 'arimo', qr: false })), 'f.pdf', 'application/pdf', { supplierCuit: '20-11111111-3' });
  t.is(badCuit.status, 400);
  const noFile = await sys.http('/v1/invoices', { method: 'POST', json: { file: 'x' } });
  t.is(noFile.status, 400);
  t.is(await invoiceCount(sys.database.db), before);
  t.is(await countFiles(), filesBefore);
});

test.serial('a corrected line match is learned as an alias: the next invoice of that supplier matches by itself', async (t) => {
  const db = sys.database.db;
  // A product the catalog names very differently from the supplier.
  await db.insertInto('products').values({ sku: 'SKU-FERNET', barcode: null, name: 'Aperitivo amargo 750', category: 'Bebidas', unit: 'unit' }).execute();
  const base = makeInvoiceSpec(504, { letter: 'B', layout: 'distribuidora', font: 'arimo', qr: true, lineCount: 2 });
  const odd = { ...base.lines[0]!, code: null, barcode: null, description: 'FERNET BRANCA 750CC X6' };
  const spec1 = { ...base, lines: [odd, ...base.lines.slice(1)] };
  const up1 = await uploadInvoice(sys, await renderTextPdf(spec1), 'f1.pdf', 'application/pdf');
  const inv1 = await settled(sys, up1.body.id);
  t.is(inv1.status, 'needs_review');
  t.true(inv1.lines[0].flagged, 'a line with no good match is flagged');
  const patched = await sys.http(`/v1/invoices/${up1.body.id}`, { method: 'PATCH', json: { lines: [{ lineNo: 1, sku: 'SKU-FERNET' }] } });
  t.is(patched.status, 200);
  t.like(patched.body.lines[0].match, { sku: 'SKU-FERNET', by: 'manual' });
  t.is(patched.body.lines[0].packUnits, 6);
  const alias = await db.selectFrom('supplier_aliases').selectAll().executeTakeFirstOrThrow();
  t.is(alias.description, 'fernet branca 750ml x6');

  const spec2 = { ...spec1, number: spec1.number + 1, lines: [odd] };
  const up2 = await uploadInvoice(sys, await renderTextPdf(spec2), 'f2.pdf', 'application/pdf');
  const inv2 = await settled(sys, up2.body.id);
  t.like(inv2.lines[0].match, { sku: 'SKU-FERNET', by: 'alias' });
  t.is(inv2.lines[0].packUnits, 6);
});

test.serial('posting writes one receipt per line and the replacement costs, queues repricing after commit, and has one effect when repeated', async (t) => {
  const db = sys.database.db;
  const spec = makeInvoiceSpec(505, { letter: 'A', layout: 'afip', font: 'dejavu-sans', qr: true, lineCount: 3 });
  const up = await uploadInvoice(sys, await renderTextPdf(spec), 'f.pdf', 'application/pdf', { location: 'DEPOSITO' });
  const inv = await settled(sys, up.body.id);
  t.true(inv.lines.every((l: { match: unknown }) => l.match !== null));
  const before = new Map<string, bigint>();
  for (const l of spec.lines) {
    const row = await db.selectFrom('stock_levels as s').innerJoin('products as p', 'p.id', 's.product_id').select('s.quantity').where('p.sku', '=', l.product.sku).executeTakeFirst();
    before.set(l.product.sku, row ? BigInt(row.quantity.replace('.', '')) : 0n);
  }
  const post = await sys.http(`/v1/invoices/${up.body.id}/post`, { method: 'POST' });
  t.is(post.status, 202);
  const posted = await settled(sys, up.body.id);
  t.is(posted.status, 'posted');
  const again = await sys.http(`/v1/invoices/${up.body.id}/post`, { method: 'POST' });
  t.is(again.status, 200);
  t.is(again.body.status, 'posted');

  const movements = await db.selectFrom('movement_requests').selectAll().where('reference', '=', `invoice:${up.body.id}`).execute();
  t.is(movements.length, spec.lines.length);
  for (const l of spec.lines) {
    const units = l.quantity * BigInt(l.product.pack);
    const level = await db
      .selectFrom('stock_levels as s')
      .innerJoin('products as p', 'p.id', 's.product_id')
      .select(['s.quantity', 'p.replacement_cost_cents'])
      .where('p.sku', '=', l.product.sku)
      .executeTakeFirstOrThrow();
    t.is(level.quantity, formatScaled(before.get(l.product.sku)! + units, 3));
    const expectedCost = Number((l.amount * 1000n + units / 2n) / units);
    t.is(level.replacement_cost_cents, expectedCost, `${l.product.sku}: net unit cost from the pack size`);
  }
  const costs = await db.selectFrom('replacement_costs').select(db.fn.countAll<string>().as('n')).where('source', '=', `invoice:${up.body.id}`).executeTakeFirstOrThrow();
  t.is(Number(costs.n), spec.lines.length);
  const outbox = await eventually(
    async () => {
      const rows = await db.selectFrom('outbox').selectAll().where('job_id', '=', `reprice-invoice-${up.body.id}`).execute();
      return rows.length === 1 && rows[0]!.relayed_at ? rows : undefined;
    },
    'the repricing request to be relayed',
  );
  t.is(outbox.length, 1);
  const queue = new Queue('price-recalculations', { connection: { url: sys.config.REDIS_URL }, prefix: sys.config.QUEUE_PREFIX });
  const job = await queue.getJob(`reprice-invoice-${up.body.id}`);
  await queue.close();
  t.is(job?.name, 'reprice-products');
  t.deepEqual([...job!.data.productIds].sort(), (await db.selectFrom('products').select('id').where('sku', 'in', spec.lines.map((l) => l.product.sku)).execute()).map((p) => p.id).sort());

  // A second delivery of the post job (at-least-once queue): nothing more happens.
  const { postInvoice } = await import('../../../src/shared/db/repositories/invoices.repository.js');
  const replay = await db.transaction().execute((trx) =>
    postInvoice(trx, up.body.id, { applyReceipts: async () => t.fail('no receipts on a replay'), recordCost: async () => t.fail('no costs on a replay'), defaultLocationId: async () => null }),
  );
  t.is(replay.status, 'already_posted');
  const ledger = await sql<{ n: string }>`SELECT count(*) AS n FROM stock_movements WHERE reference = ${`invoice:${up.body.id}`}`.execute(db);
  t.is(Number(ledger.rows[0]!.n), spec.lines.length);
});

test.serial('a posting that fails before commit leaves nothing behind, and the retry posts once', async (t) => {
  const db = sys.database.db;
  const spec = makeInvoiceSpec(506, { letter: 'C', layout: 'afip', font: 'arimo', qr: true, lineCount: 2 });
  const up = await uploadInvoice(sys, await renderTextPdf(spec), 'f.pdf', 'application/pdf');
  await settled(sys, up.body.id);
  await db.updateTable('invoices').set({ status: 'posting' }).where('id', '=', up.body.id).execute();
  const { postInvoice } = await import('../../../src/shared/db/repositories/invoices.repository.js');
  const { applyMovementGroup } = await import('../../../src/shared/db/repositories/movements.repository.js');
  const deps = {
    applyReceipts: (trx: Parameters<typeof applyMovementGroup>[0], ids: string[]) => applyMovementGroup(trx, ids.map((movementId) => ({ movementId }))),
    defaultLocationId: async () => (await db.selectFrom('locations').select('id').orderBy('id').executeTakeFirstOrThrow()).id,
  };
  await t.throwsAsync(
    db.transaction().execute((trx) => postInvoice(trx, up.body.id, { ...deps, recordCost: async () => { throw new Error('connection lost'); } })),
    { message: 'connection lost' },
  );
  const none = await db.selectFrom('movement_requests').select(db.fn.countAll<string>().as('n')).where('reference', '=', `invoice:${up.body.id}`).executeTakeFirstOrThrow();
  t.is(Number(none.n), 0);
  t.is((await db.selectFrom('outbox').selectAll().where('job_id', '=', `reprice-invoice-${up.body.id}`).execute()).length, 0);
  const { recordReplacementCost } = await import('../../../src/shared/db/repositories/pricing-costs.repository.js');
  const ok = await db.transaction().execute((trx) => postInvoice(trx, up.body.id, { ...deps, recordCost: (t2, p, c, s2) => recordReplacementCost(t2, p, c, s2) }));
  t.is(ok.status, 'posted');
  const once = await db.selectFrom('movement_requests').select(db.fn.countAll<string>().as('n')).where('reference', '=', `invoice:${up.body.id}`).executeTakeFirstOrThrow();
  t.is(Number(once.n), spec.lines.length);
});

test.serial('GET /v1/invoices lists by status', async (t) => {
  const rejected = await sys.http('/v1/invoices?status=rejected');
  t.is(rejected.status, 200);
  t.true(rejected.body.items.length >= 1);
  t.true(rejected.body.items.every((i: { status: string }) => i.status === 'rejected'));
  const bad = await sys.http('/v1/invoices?status=lost');
  t.is(bad.status, 400);
  t.is((await sys.http('/v1/invoices/00000000-0000-4000-8000-000000000000')).status, 404);
  const doc = await sys.http('/docs/openapi.json');
  t.truthy(doc.body.paths['/v1/invoices']?.post);
  t.truthy(doc.body.paths['/v1/invoices/{id}']?.patch);
});
