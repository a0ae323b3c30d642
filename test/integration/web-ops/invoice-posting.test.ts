import test from 'ava';
import { formatScaled } from '../../../src/shared/domain/invoice/decimal.js';
import { renderTextPdf } from '../../helpers/invoice-corpus/render.js';
import { makeInvoiceSpec } from '../../helpers/invoice-corpus/spec.js';
import { startTestSystem, type TestSystem } from '../../helpers/system.js';
import { eventually, seedCatalog, settled, uploadInvoice } from '../invoice/invoice-helpers.js';

let sys: TestSystem;

test.before(async () => {
  sys = await startTestSystem({ env: { WORKER_QUEUES: 'invoice-ingest,price-recalculations,stock-movements', OCR_POOL_SIZE: '1', INVOICE_AUTO_POST_CONFIDENCE: '1.01' } });
  await seedCatalog(sys.database.db);
});

test.after.always(async () => {
  await sys?.close();
});

test.serial('the posting result lists receipts with balances, cost changes, the alerts they caused and the repricing run', async (t) => {
  const db = sys.database.db;
  const spec = makeInvoiceSpec(611, { letter: 'A', layout: 'afip', font: 'arimo', qr: true, lineCount: 2 });
  // The first product had a much lower cost and a price: the invoice's cost is a jump worth an alert.
  const first = spec.lines[0]!.product.sku;
  await db.updateTable('products').set({ replacement_cost_cents: 1, price_cents: 100 }).where('sku', '=', first).execute();

  const up = await uploadInvoice(sys, await renderTextPdf(spec), 'f.pdf', 'application/pdf', { location: 'DEPOSITO' });
  const inv = await settled(sys, up.body.id);
  t.true(inv.lines.every((l: { match: unknown }) => l.match !== null));
  const before = await sys.http(`/v1/invoices/${up.body.id}/posting`);
  t.is(before.status, 200);
  t.like(before.body, { status: inv.status, receipts: [], costChanges: [], alerts: [], repricing: null });

  const counts = await sys.http('/v1/invoices/counts');
  t.is(counts.body.byStatus[inv.status], 1);

  t.is((await sys.http(`/v1/invoices/${up.body.id}/post`, { method: 'POST' })).status, 202);
  await settled(sys, up.body.id);
  const result = await eventually(async () => {
    const r = await sys.http(`/v1/invoices/${up.body.id}/posting`);
    return r.body.repricing?.status === 'completed' && r.body.receipts.every((x: { status: string }) => x.status === 'applied') ? r.body : undefined;
  }, 'receipts applied and repricing completed');
  t.is(result.status, 'posted');
  t.is(result.receipts.length, spec.lines.length);
  for (const [i, l] of spec.lines.entries()) {
    const units = formatScaled(l.quantity * BigInt(l.product.pack), 3, { trim: true });
    t.like(result.receipts[i], { lineNo: i + 1, sku: l.product.sku, location: 'DEPOSITO', quantity: units, balanceAfter: units });
  }
  t.deepEqual(result.costChanges.map((c: { sku: string }) => c.sku).sort(), spec.lines.map((l) => l.product.sku).sort());
  const jump = result.costChanges.find((c: { sku: string }) => c.sku === first);
  t.is(jump.previousCost, '0.01');
  t.is(result.alerts.length >= 1, true);
  t.like(result.alerts.find((a: { sku: string }) => a.sku === first), { previousCost: '0.01', bandPct: 25, sellingAtLoss: true });
  t.truthy(result.repricing.labelBatchId);

  // The list shows supplier and date, newest first.
  const list = await sys.http('/v1/invoices');
  t.like(list.body.items[0], { id: up.body.id, status: 'posted', number: spec.number });
  t.truthy(list.body.items[0].issueDate);
  t.is((await sys.http('/v1/invoices/not-a-uuid/posting')).status, 400);
  t.is((await sys.http('/v1/invoices/00000000-0000-4000-8000-000000000000/posting')).status, 404);
});
