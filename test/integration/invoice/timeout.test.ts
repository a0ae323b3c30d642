import test from 'ava';
import { Queue } from 'bullmq';
import { photoOptions, renderPhoto } from '../../helpers/invoice-corpus/render.js';
import { makeInvoiceSpec } from '../../helpers/invoice-corpus/spec.js';
import { startTestSystem, type TestSystem } from '../../helpers/system.js';
import { seedCatalog, settled, uploadInvoice } from './invoice-helpers.js';

let sys: TestSystem;

test.before(async () => {
  // A deadline far below what OCR of a photo takes.
  sys = await startTestSystem({ env: { WORKER_QUEUES: 'invoice-ingest', INVOICE_EXTRACTION_TIMEOUT_MS: '1000', OCR_POOL_SIZE: '1' } });
  await seedCatalog(sys.database.db);
});

test.after.always(async () => {
  await sys?.close();
});

test('an extraction past its deadline ends the invoice as failed with extraction_timeout', async (t) => {
  const spec = makeInvoiceSpec(601, { letter: 'B', layout: 'afip', font: 'tinos', qr: false });
  const up = await uploadInvoice(sys, await renderPhoto(spec, photoOptions(601), 601), 'foto.jpg', 'image/jpeg');
  t.is(up.status, 202);
  const inv = await settled(sys, up.body.id);
  t.is(inv.status, 'failed');
  t.is(inv.reason, 'extraction_timeout');
  const row = await sys.database.db.selectFrom('invoices').select(['failure_detail']).where('id', '=', up.body.id).executeTakeFirstOrThrow();
  t.regex(row.failure_detail ?? '', /1000 ms/);
  // A timeout is final: the job is not retried.
  const queue = new Queue('invoice-ingest', { connection: { url: sys.config.REDIS_URL }, prefix: sys.config.QUEUE_PREFIX });
  const job = await queue.getJob(`inv-x-${up.body.id}`);
  await queue.close();
  t.is(job?.attemptsMade, 1);
  t.regex(job?.failedReason ?? '', /extraction_timeout/);
  const failedJobs = await sys.http('/v1/invoices?status=failed');
  t.deepEqual(failedJobs.body.items.map((i: { id: string }) => i.id), [up.body.id]);
});
