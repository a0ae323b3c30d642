import { readFileSync } from 'node:fs';
import test from 'ava';
import { compoundBp, diffIndexRows, effectiveRate, indexKey, parseIndexCsv, summarizeSeries } from '../../../src/shared/domain/pricing/index-series.js';

const indec = readFileSync(new URL('../../../src/shared/demo/data/indec-ipc-monthly.csv', import.meta.url), 'utf8');

test('the INDEC file parses into 37 official monthly rows', (t) => {
  const { rows, errors } = parseIndexCsv(indec, { series: 'official', source: 'upload' });
  t.deepEqual(errors, []);
  t.is(rows.length, 37);
  t.deepEqual(rows[11], { series: 'official', period: '2023-12', rateBp: 2550, source: 'INDEC IPC nacional' });
});

test('compounding the monthly rates reproduces the published yearly totals within rounding of the monthly figures', (t) => {
  const { rows } = parseIndexCsv(indec, { series: 'official', source: 'x' });
  const year = (y: string) => compoundBp(rows.filter((r) => r.period.startsWith(y)).map((r) => r.rateBp));
  // Published: 2023 211.4 %, 2024 117.8 %, 2025 31.5 % (from index levels; monthly figures carry one decimal).
  t.true(Math.abs(year('2023') - 21_140) <= 30, `2023: ${year('2023')}`);
  t.true(Math.abs(year('2024') - 11_780) <= 30, `2024: ${year('2024')}`);
  t.true(Math.abs(year('2025') - 3_150) <= 30, `2025: ${year('2025')}`);
});

test('every bad line is reported with its number and a reason', (t) => {
  const csv = ['period,rate_pct,series', '2026-02,2.7,expected', '2026-13,2.5,expected', '2026-03,abc,expected', '2026-04,2.1,guess', '2026-02,2.8,expected', '2026-05,1'].join('\n');
  const { errors } = parseIndexCsv(csv, { series: 'official', source: 'x' });
  t.deepEqual(errors.map((e) => e.line), [3, 4, 5, 6, 7]);
  t.regex(errors[0]!.message, /YYYY-MM/);
  t.regex(errors[3]!.message, /already on line 2/);
  t.regex(errors[4]!.message, /expected 3 fields/);
});

test('a header without a rate column is rejected as a whole', (t) => {
  const { rows, errors } = parseIndexCsv('period,value\n2026-01,2', { series: 'official', source: 'x' });
  t.is(rows.length, 0);
  t.is(errors[0]!.line, 1);
});

test('quoted fields with commas are read as one field', (t) => {
  const { rows, errors } = parseIndexCsv('period,rate,source\n2026-02,2.7,"REM, mediana"', { series: 'expected', source: 'x' });
  t.deepEqual(errors, []);
  t.is(rows[0]!.source, 'REM, mediana');
});

test('diffing against stored rows separates new rows, revisions (with the next revision number) and unchanged ones', (t) => {
  const stored = new Map([[indexKey('official', '2026-01'), { rateBp: 290, revision: 1 }], [indexKey('official', '2025-12'), { rateBp: 280, revision: 2 }]]);
  const diff = diffIndexRows(stored, [
    { series: 'official', period: '2026-01', rateBp: 300, source: 's' },
    { series: 'official', period: '2025-12', rateBp: 280, source: 's' },
    { series: 'official', period: '2026-02', rateBp: 250, source: 's' },
  ]);
  t.is(diff.unchanged, 1);
  t.deepEqual(diff.inserted.map((r) => r.period), ['2026-02']);
  t.like(diff.revised[0], { period: '2026-01', rateBp: 300, previousRateBp: 290, revision: 2 });
});

test('the summary compares the latest month with the mean of the 12 before it', (t) => {
  const { rows } = parseIndexCsv(indec, { series: 'official', source: 'x' });
  const s = summarizeSeries(rows.filter((r) => r.period <= '2023-12'));
  t.deepEqual(s.latest, { period: '2023-12', rateBp: 2550 });
  t.is(s.trailing12mMeanBp, null, 'only 11 months precede 2023-12');
  const later = summarizeSeries(rows.filter((r) => r.period <= '2024-12'));
  const mean = Math.round(rows.filter((r) => r.period >= '2023-12' && r.period <= '2024-11').reduce((a, r) => a + r.rateBp, 0) / 12);
  t.is(later.trailing12mMeanBp, mean);
});

test('the effective expected rate is the month itself, else the latest before, else the first after', (t) => {
  const rows = [{ period: '2026-02', rateBp: 270 }, { period: '2026-03', rateBp: 250 }];
  t.is(effectiveRate(rows, '2026-03')!.rateBp, 250);
  t.is(effectiveRate(rows, '2026-11')!.rateBp, 250);
  t.is(effectiveRate(rows, '2026-01')!.rateBp, 270);
  t.is(effectiveRate([], '2026-01'), null);
});

test('an anomaly is a latest month above 2.5× (or below a fifth of) the mean of the 12 before it', (t) => {
  const { rows } = parseIndexCsv(indec, { series: 'official', source: 'x' });
  const upTo = (period: string) => summarizeSeries(rows.filter((r) => r.period <= period));
  // The real series from 2024 on (the 20.6 % of January, the fast disinflation after it) is not anomalous.
  t.false(upTo('2023-12').anomaly, 'fewer than 12 months before: no baseline, no anomaly');
  t.true(upTo('2024-01').trailing12mMeanBp! > 0);
  const everyMonth = rows.filter((r) => r.period >= '2024-01').map((r) => [r.period, upTo(r.period).anomaly] as const);
  t.deepEqual(everyMonth.filter(([, a]) => a), []);
  const typo = [...rows.filter((r) => r.period < '2026-01'), { period: '2026-01', rateBp: 2900 }];
  t.true(summarizeSeries(typo).anomaly, 'a 29 % month after 2–3 % months');
  const low = [...rows.filter((r) => r.period < '2026-01'), { period: '2026-01', rateBp: 29 }];
  t.true(summarizeSeries(low).anomaly, 'a 0.29 % month after 2–3 % months');
});
