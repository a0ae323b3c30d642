import { readFileSync } from 'node:fs';
import test from 'ava';
import { sql } from 'kysely';
import { startTestSystem, type TestSystem } from '../../helpers/system.js';
import { loadRuleSet, ruleFor, upsertRule } from '../../../src/shared/db/repositories/pricing-rules.repository.js';
import { computePrice } from '../../../src/shared/domain/pricing/price.js';
import { percentColumnBp } from '../../../src/shared/domain/pricing/rates.js';
import { eventually, insertPricedProducts, uniq, waitForJob } from './pricing-helpers.js';

const indec = readFileSync(new URL('../../../src/shared/demo/data/indec-ipc-monthly.csv', import.meta.url), 'utf8');

let sys: TestSystem;
test.before(async () => {
  sys = await startTestSystem();
});
test.after.always(async () => {
  await sys?.close();
});

const db = () => sys.database.db;
const importCsv = (csv: string, query = '') => sys.http(`/v1/inflation-index/import${query}`, { method: 'POST', body: csv, headers: { 'content-type': 'text/csv' } });
const indexCount = async () => (await db().selectFrom('inflation_index').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()).n;

// Serial: the index tables are shared by every test of this file.
test.serial('a CSV with bad rows is rejected with 400 listing every bad line, and nothing is imported', async (t) => {
  const before = await indexCount();
  const csv = ['period,rate_pct,series', '2027-01,2.1,official', '2027-13,2.0,official', '2027-02,dos,official', '2027-03,1.9,forecast', '2027-01,2.2,official'].join('\n');
  const res = await importCsv(csv);
  t.is(res.status, 400);
  t.is(res.body.code, 'validation_failed');
  t.deepEqual(res.body.errors.map((e: { path: string }) => e.path), ['line 3', 'line 4', 'line 5', 'line 6']);
  t.regex(res.body.detail, /nothing imported; 4 bad lines/);
  t.is(await indexCount(), before);
});

test.serial('the INDEC file imports once; importing it again changes nothing; a changed figure is a revision with its old value kept', async (t) => {
  const first = await importCsv(indec, '?series=official');
  t.is(first.status, 200);
  t.like(first.body, { inserted: 37, revised: 0, unchanged: 0, expectedChanged: false, repricing: null });
  const again = await importCsv(indec);
  t.like(again.body, { inserted: 0, revised: 0, unchanged: 37 });
  const revised = await sys.http('/v1/inflation-index', { method: 'POST', json: { rows: [{ series: 'official', period: '2026-01', rate: '3.0', source: 'INDEC revisión' }] } });
  t.like(revised.body, { inserted: 0, revised: 1, revisions: [{ series: 'official', period: '2026-01', previousRate: '2.9', rate: '3', revision: 2 }] });
  const history = await sys.http('/v1/inflation-index/official/2026-01/revisions');
  t.deepEqual(history.body.revisions.map((r: { previousRate: string; rate: string; revision: number }) => [r.revision, r.previousRate, r.rate]), [[2, '2.9', '3']]);
  const list = await sys.http('/v1/inflation-index?series=official&from=2025-01');
  t.is(list.body.items.length, 13);
  t.like(list.body.items.at(-1), { period: '2026-01', rate: '3', revision: 2 });
  // Latest 3 % against the mean of 2025-01 … 2025-12 (27.7 / 12 = 2.31 %).
  t.like(list.body.summary.official, { latest: { period: '2026-01', rate: '3' }, trailing12mMeanRate: '2.31' });
  const metrics = await sys.http('/metrics');
  t.regex(metrics.body, /gondola_inflation_monthly_change_ratio\{series="official"\} 0\.03\b/);
  t.regex(metrics.body, /gondola_inflation_baseline_monthly_change_ratio\{series="official"\} 0\.0231\b/);
  t.regex(metrics.body, /gondola_inflation_rate_anomaly\{series="official"\} 0\b/);
  // A misplaced decimal point (29 % after months of 2–3 %) trips the anomaly gauge.
  await sys.http('/v1/inflation-index', { method: 'POST', json: { rows: [{ series: 'official', period: '2026-02', rate: 29 }] } });
  t.regex((await sys.http('/metrics')).body, /gondola_inflation_rate_anomaly\{series="official"\} 1\b/);
});

test.serial('JSON rows are validated as a whole: one bad row means nothing is stored', async (t) => {
  const before = await indexCount();
  const res = await sys.http('/v1/inflation-index', { method: 'POST', json: { rows: [{ series: 'expected', period: '2027-05', rate: 2 }, { series: 'expected', period: '2027-06', rate: '1.234' }] } });
  t.is(res.status, 400);
  t.deepEqual(res.body.errors.map((e: { path: string }) => e.path), ['rows.1']);
  t.is(await indexCount(), before);
});

test.serial('a new expected rate reprices every product, ahead of inflation where the rule asks, once per period and revision', async (t) => {
  const ahead = uniq('ahead');
  const plain = uniq('plain');
  await upsertRule(db(), ahead, { markupBp: 3000, minMarginBp: 1000, stepCents: 100, endingCents: 0, maxChangeBp: null, priceAheadDays: 15 });
  await upsertRule(db(), plain, { markupBp: 3000, minMarginBp: 1000, stepCents: 100, endingCents: 0, maxChangeBp: null, priceAheadDays: null });
  const aheadIds = await insertPricedProducts(db(), { category: ahead, count: 40 });
  const plainIds = await insertPricedProducts(db(), { category: plain, count: 40 });

  // The effective expected rate is the latest period up to this month; 2020-01 is always in the past.
  const res = await sys.http('/v1/inflation-index', { method: 'POST', json: { rows: [{ series: 'expected', period: '2020-01', rate: '4' }] } });
  t.is(res.status, 200);
  t.like(res.body, { inserted: 1, expectedChanged: true, repricing: { runId: 'index-expected-2020-01-r1' } });
  const applyJob = res.body.repricing.job.split('/').pop();
  const applied = await waitForJob(sys, 'inflation-updates', applyJob);
  t.like(applied, { state: 'completed', result: { runId: 'index-expected-2020-01-r1', created: true } });
  const run = await eventually(async () => {
    const r = (await sys.http('/v1/price-runs/index-expected-2020-01-r1')).body;
    return r.status === 'completed' ? r : undefined;
  }, 'the index run to complete');
  t.like(run, { trigger: 'index', scope: { kind: 'all' }, forwardRate: { period: '2020-01', ratePct: '4' }, progress: 100 });

  const rules = await loadRuleSet(db());
  const products = await db().selectFrom('products').select(['id', 'category', 'replacement_cost_cents', 'iva_rate_pct', 'internal_tax_pct', 'price_cents']).where('id', 'in', [...aheadIds, ...plainIds]).execute();
  const wrong = products.filter((p) => {
    const want = computePrice(ruleFor(rules, p.category), { costCents: p.replacement_cost_cents!, ivaBp: percentColumnBp(p.iva_rate_pct), internalTaxBp: percentColumnBp(p.internal_tax_pct), currentPriceCents: null }, { forwardRateBp: 400, force: false });
    return p.price_cents !== want.priceCents;
  });
  t.deepEqual(wrong, []);
  // Price ahead: 4 % a month over 15 days is 2 % more than the same product without it.
  const a = products.find((p) => p.id === aheadIds[5])!;
  const b = computePrice(ruleFor(rules, plain), { costCents: a.replacement_cost_cents!, ivaBp: percentColumnBp(a.iva_rate_pct), internalTaxBp: percentColumnBp(a.internal_tax_pct), currentPriceCents: null }, { forwardRateBp: 400, force: false });
  t.true(a.price_cents! > b.priceCents);

  // The same rows again: nothing changes, no new run.
  const again = await sys.http('/v1/inflation-index', { method: 'POST', json: { rows: [{ series: 'expected', period: '2020-01', rate: '4' }] } });
  t.like(again.body, { unchanged: 1, expectedChanged: false, repricing: null });
  const apply = await sys.http('/v1/inflation-index/apply', { method: 'POST' });
  t.is(apply.status, 202);
  t.is(apply.body.repricing.runId, 'index-expected-2020-01-r1');
  const runs = (await sys.http('/v1/price-runs')).body.items.filter((r: { trigger: string }) => r.trigger === 'index');
  t.is(runs.length, 1);
});

test.serial('import-now needs a configured source', async (t) => {
  const res = await sys.http('/v1/inflation-index/import-now', { method: 'POST' });
  t.is(res.status, 409);
  t.is(res.body.code, 'no_index_source');
});
