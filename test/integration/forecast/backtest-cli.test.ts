import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, testConfig, type TestDatabase } from '../../helpers/db.js';
import { backtestCli } from '../../../scripts/backtest.js';
import { newLocation, newProduct } from '../../helpers/factories.js';
import { seedSimulatedSales } from '../../../src/shared/db/repositories/demo-sales.repository.js';
import { isoDay } from '../../../src/shared/domain/forecast/calendar.js';
import { simulateCatalog, simulateSalesHistory } from '../../../src/shared/domain/forecast/simulate.js';
import { lastCompleteDay } from '../../../src/workers/processors/demand-forecasts.processor.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'gondola-backtest-'));
let tdb: TestDatabase | undefined;

test.after.always(async () => {
  rmSync(dir, { recursive: true, force: true });
  await tdb?.drop();
});

function backtest(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'scripts/backtest.ts', ...args], { cwd: root, env: { ...process.env, ...env }, maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

/** The CLI in this process (no interpreter start-up per case); same code path as the script. */
async function backtestHere(args: string[], databaseUrl?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await backtestCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) }, databaseUrl ? testConfig(databaseUrl) : undefined);
  return { code, stdout: out.length ? `${out.join('\n')}\n` : '', stderr: err.join('\n') };
}

function writeCsv(name: string, lines: string[]): string {
  const file = join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** Checks the last stdout line has the documented JSON shape and sane values. */
function assertReportShape(t: import('ava').ExecutionContext, stdout: string, series: number) {
  const last = stdout.trim().split('\n').at(-1)!;
  const report = JSON.parse(last);
  t.deepEqual(Object.keys(report), ['backtest', 'served', 'methods', 'bestBaseline', 'p90Coverage', 'reorder']);
  t.is(report.backtest.series, series);
  t.is(report.backtest.holdoutDays, 28);
  for (const cls of ['smooth', 'intermittent']) t.true(['model', 'seasonal_naive', 'ses', 'tsb'].includes(report.served.plan[cls]));
  t.true(report.served.wape > 0 && report.served.mase > 0);
  t.deepEqual(Object.keys(report.methods), ['model', 'seasonal_naive', 'ses', 'tsb']);
  for (const m of Object.values(report.methods) as { wape: number; mase: number; bias: number }[]) {
    t.true(Number.isFinite(m.wape) && Number.isFinite(m.mase) && Number.isFinite(m.bias));
  }
  t.true(['seasonal_naive', 'ses', 'tsb'].includes(report.bestBaseline));
  t.true(report.p90Coverage > 0.5 && report.p90Coverage <= 1);
  for (const p of ['served', 'moving_average']) {
    t.true(report.reorder[p].stockoutDays >= 0);
    t.true(report.reorder[p].avgStock > 0);
  }
  t.regex(stdout, /served \(/);
  return report;
}

test('the backtest script refuses a CSV with a bad line: exit code 2 and the line named on stderr', async (t) => {
  const file = writeCsv('bad.csv', ['date,item,units', '2025-03-01,Pan,2', '2025-03-02,Pan,-1']);
  const r = await backtest(['--csv', file]);
  t.is(r.code, 2);
  t.regex(r.stderr, /line 3: units must not be negative/);
  t.is(r.stdout, '');
});

test('backtest refuses unknown columns, unknown flags and too short a history with exit code 2', async (t) => {
  const file = writeCsv('columns.csv', ['date,item,units,store', '2025-03-01,Pan,2,1']);
  const columns = await backtestHere(['--csv', file]);
  t.is(columns.code, 2);
  t.regex(columns.stderr, /line 1: unknown column "store"/);
  const date = await backtestHere(['--csv', writeCsv('date.csv', ['date,item,units', '2025-03-01,Pan,2', '2025-3-2,Pan,1'])]);
  t.is(date.code, 2);
  t.regex(date.stderr, /line 3: date "2025-3-2"/);
  const flag = await backtestHere(['--csv', file, '--holdout', '3']);
  t.is(flag.code, 2);
  const both = await backtestHere(['--csv', file, '--ledger']);
  t.is(both.code, 2);
  const short = writeCsv('short.csv', ['date,item,units', '2025-03-01,Pan,2', '2025-04-01,Pan,1']);
  const tooShort = await backtestHere(['--csv', short]);
  t.is(tooShort.code, 2);
  t.regex(tooShort.stderr, /training needs at least \d+ days/);
});

test('backtest runs a small generated CSV end to end and prints the table and the JSON line', async (t) => {
  const products = simulateCatalog({ count: 6, seed: 5 });
  const history = simulateSalesHistory({ products, start: '2025-01-01', days: 180, seed: 5 });
  const start = Date.parse('2025-01-01T00:00:00Z') / 86_400_000;
  const lines = ['date,item,units,price,category'];
  for (const s of history.series) {
    for (let d = 0; d < history.days; d++) {
      if (s.quantity[d]! > 0) lines.push(`${isoDay(start + d)},"${s.product.name}",${s.quantity[d]},${s.priceCentavos[d]! / 100},${s.product.category}`);
    }
  }
  const r = await backtestHere(['--csv', writeCsv('small.csv', lines), '--holdout-days', '28', '--horizon', '7']);
  t.is(r.code, 0, r.stderr);
  const report = assertReportShape(t, r.stdout, 6);
  const dates = lines.slice(1).map((l) => Date.parse(`${l.slice(0, 10)}T00:00:00Z`) / 86_400_000);
  t.is(report.backtest.days, Math.max(...dates) - Math.min(...dates) + 1, 'first to last day with a sale');
});

test('backtest --ledger evaluates the shop ledger of the configured database', async (t) => {
  tdb = await createTestDatabase();
  const loc = await newLocation(tdb.db);
  for (let i = 0; i < 5; i++) await newProduct(tdb.db, { sku: `BT-${i}`, category: i % 2 === 0 ? 'almacen' : 'bebidas' });
  await seedSimulatedSales(tdb.db, { locationId: loc.id, endDay: lastCompleteDay(), days: 150, seed: 4 });
  const r = await backtestHere(['--ledger', '--holdout-days', '28'], tdb.url);
  t.is(r.code, 0, r.stderr);
  assertReportShape(t, r.stdout, 5);
  t.regex(r.stdout, /Backtest of the shop ledger/);
});
