/**
 * `npm run backtest -- --csv FILE | --ledger [--holdout-days 56] [--horizon 14]`: how good the
 * forecasts would have been on a sales history. Trains on the days before the held-back window
 * exactly as production does (same training function, validation, ONNX export and parity check,
 * same serving plan), forecasts the held-back days from rolling origins, replays the reorder
 * rule, prints a table and, as the last line, one JSON object. Bad input exits with code 2.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { getConfig, type Config } from '../src/shared/config.js';
import { createDatabase } from '../src/shared/db/database.js';
import { listForecastTargets, loadDailySales, refreshDailySales } from '../src/shared/db/repositories/forecasts.repository.js';
import { backtestJsonLine, runBacktest, type BacktestReport } from '../src/shared/domain/forecast/backtest.js';
import { epochDay, isoDay } from '../src/shared/domain/forecast/calendar.js';
import { SERVING_METHODS } from '../src/shared/domain/forecast/model.js';
import { DEFAULT_LEAD_TIME_DAYS, DEFAULT_REVIEW_PERIOD_DAYS } from '../src/shared/domain/forecast/reorder.js';
import { parseSalesCsv, type SalesHistory } from '../src/shared/domain/forecast/sales-csv.js';
import {
  HISTORY_DAYS,
  PARITY_TOLERANCE,
  SERVICE_LEVEL,
  VALIDATION_FOLDS,
  lastCompleteDay,
} from '../src/workers/processors/demand-forecasts.processor.js';
import { BacktestInputError, SalesCsvError } from '../src/shared/errors.js';

class UsageError extends Error {}

function positiveInt(raw: string | undefined, name: string, fallback: number): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new UsageError(`--${name} must be a whole number of days ≥ 1, got "${raw}"`);
  return Number(raw);
}

async function ledgerHistory(config: Config, holdoutDays: number): Promise<{ history: SalesHistory; leadTimeDays: number; reviewPeriodDays: number }> {
  const db = createDatabase({ url: config.DATABASE_URL, max: 2, applicationName: 'gondola-backtest' });
  try {
    await refreshDailySales(db);
    const through = lastCompleteDay();
    const fromDay = isoDay(epochDay(through) - HISTORY_DAYS - holdoutDays + 1);
    const targets = await listForecastTargets(db, fromDay, through);
    if (targets.length === 0) throw new BacktestInputError(`the ledger has no sales between ${fromDay} and ${through}`);
    const sales = await loadDailySales(db, targets, fromDay, through);
    const locations = new Set(targets.map((t) => t.locationId)).size;
    const mode = (xs: number[]): number => {
      const counts = new Map<number, number>();
      for (const x of xs) counts.set(x, (counts.get(x) ?? 0) + 1);
      return [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]![0];
    };
    const days = HISTORY_DAYS + holdoutDays;
    return {
      history: {
        startDay: epochDay(fromDay),
        days,
        items: targets.map((t) => ({
          name: locations > 1 ? `${t.sku}@${t.locationId}` : t.sku,
          category: t.category,
          quantity: sales.get(`${t.productId}:${t.locationId}`)!,
          priceCentavos: new Float64Array(days),
        })),
      },
      leadTimeDays: mode(targets.map((t) => t.leadTimeDays)),
      reviewPeriodDays: mode(targets.map((t) => t.reviewPeriodDays)),
    };
  } finally {
    await db.destroy();
  }
}

const pct = (x: number): string => (Number.isFinite(x) ? `${(x * 100).toFixed(1)} %` : '—');
const num = (x: number, d = 3): string => (Number.isFinite(x) ? x.toFixed(d) : '—');

function formatTable(report: BacktestReport, source: string): string {
  const b = report.backtest;
  const lines: string[] = [];
  lines.push(`Backtest of ${source}: ${b.series} series, ${b.days} days; trained through ${b.trainedThrough}, ${b.holdoutDays} days held back, ${b.origins} origins × ${b.horizon} days`);
  lines.push('');
  lines.push(`${'method'.padEnd(30)}${'WAPE'.padStart(9)}${'MASE'.padStart(9)}${'bias'.padStart(9)}`);
  const plan = `served (${report.served.plan.smooth} / ${report.served.plan.intermittent})`;
  lines.push(`${plan.padEnd(30)}${pct(report.served.wape).padStart(9)}${num(report.served.mase).padStart(9)}${pct(report.served.bias).padStart(9)}`);
  for (const m of SERVING_METHODS) {
    const s = report.methods[m];
    lines.push(`${(m + (m === report.bestBaseline ? ' (best baseline)' : '')).padEnd(30)}${pct(s.wape).padStart(9)}${num(s.mase).padStart(9)}${pct(s.bias).padStart(9)}`);
  }
  const best = report.methods[report.bestBaseline].wape;
  lines.push('');
  lines.push(`served WAPE vs best baseline: ${pct(report.served.wape / best - 1)}; p90 covers ${pct(report.p90Coverage)} of held-back days`);
  lines.push(`(p90 served at level ${num(report.p90Levels.smooth)} for steady sellers, ${num(report.p90Levels.intermittent)} for intermittent ones: calibrated on validation days to cover 90 %)`);
  const r = report.reorder;
  lines.push('');
  lines.push(`Reorder replay (order-up-to, lead time ${r.leadTimeDays} d, review every ${r.reviewPeriodDays} d, service level ${pct(r.serviceLevel)}):`);
  lines.push(`${'policy'.padEnd(30)}${'stockout days'.padStart(15)}${'fill rate'.padStart(11)}${'avg stock'.padStart(11)}`);
  for (const [name, o] of [['served forecasts', r.served], ['28-day moving average', r.moving_average]] as const) {
    lines.push(`${name.padEnd(30)}${`${o.stockoutDays} (${pct(o.stockoutRate)})`.padStart(15)}${pct(o.fillRate).padStart(11)}${num(o.avgStock, 2).padStart(11)}`);
  }
  return lines.join('\n');
}

export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
}

/**
 * Runs the backtest for command-line `args`; returns the exit code (0, or 2 for bad input).
 * `config` defaults to the process configuration (the ledger's database).
 */
export async function backtestCli(args: string[], io: CliOutput, config?: Config): Promise<number> {
  try {
    await run(args, io, config);
    return 0;
  } catch (err) {
    if (err instanceof UsageError || err instanceof BacktestInputError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`backtest: ${(err as Error).message}`);
      return 2;
    }
    throw err;
  }
}

async function run(args: string[], io: CliOutput, config: Config | undefined): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      csv: { type: 'string' },
      ledger: { type: 'boolean', default: false },
      'holdout-days': { type: 'string' },
      horizon: { type: 'string' },
      folds: { type: 'string' },
    },
    strict: true,
  });
  if (!values.csv === !values.ledger) throw new UsageError('give either --csv FILE or --ledger');
  const holdoutDays = positiveInt(values['holdout-days'], 'holdout-days', 56);
  const horizon = positiveInt(values.horizon, 'horizon', 14);
  const folds = positiveInt(values.folds, 'folds', VALIDATION_FOLDS);

  let history: SalesHistory;
  let leadTimeDays = DEFAULT_LEAD_TIME_DAYS;
  let reviewPeriodDays = DEFAULT_REVIEW_PERIOD_DAYS;
  let source: string;
  if (values.csv) {
    let text: string;
    try {
      text = readFileSync(values.csv, 'utf8');
    } catch (err) {
      throw new UsageError(`cannot read ${values.csv}: ${(err as Error).message}`);
    }
    try {
      history = parseSalesCsv(text);
    } catch (err) {
      if (err instanceof SalesCsvError) throw new UsageError(`${values.csv}: ${err.message}`);
      throw err;
    }
    source = values.csv;
  } else {
    ({ history, leadTimeDays, reviewPeriodDays } = await ledgerHistory(config ?? getConfig(), holdoutDays));
    source = 'the shop ledger';
  }

  const { report } = await runBacktest(history, {
    holdoutDays,
    horizon,
    historyDays: HISTORY_DAYS,
    folds,
    parityTolerance: PARITY_TOLERANCE,
    leadTimeDays,
    reviewPeriodDays,
    serviceLevel: SERVICE_LEVEL,
  });
  io.out(formatTable(report, source));
  io.out(backtestJsonLine(report));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await backtestCli(process.argv.slice(2), { out: (l) => console.log(l), err: (l) => console.error(l) });
}
