import test from 'ava';
import {
  checkMetricReferences,
  findMissingRunbooks,
  findUnknownReferences,
  knownMetrics,
  recordedNames,
  referencingFiles,
} from '../../../observability/check-metrics.js';

test('every gondola_ metric named by alert rules, dashboards, KEDA triggers and docs is defined', async (t) => {
  const files = referencingFiles();
  t.true(files.includes('observability/alerts/gondola.rules.yml'));
  t.true(files.includes('observability/grafana/dashboards/gondola-overview.json'));
  const result = await checkMetricReferences();
  t.deepEqual(result.problems, []);
  t.true(result.references > 0);
});

test('a misspelled metric in a query is reported with its file and line', async (t) => {
  const known = await knownMetrics();
  const text = 'groups:\n  - rules:\n      - expr: rate(gondola_jobs_procesed_total[5m]) > 0\n';
  const { problems } = findUnknownReferences(text, 'rules.yml', known, new Set());
  t.deepEqual(problems.map((p) => [p.file, p.line, p.name]), [['rules.yml', 3, 'gondola_jobs_procesed_total']]);
});

test('a query must name a histogram by its _bucket, _sum or _count series; docs may use the bare name', async (t) => {
  const known = await knownMetrics();
  const query = 'histogram_quantile(0.99, sum by (le) (rate(gondola_job_wait_seconds_bucket[5m]))) / gondola_job_wait_seconds';
  const inQuery = findUnknownReferences(query, 'd.json', known, new Set());
  t.deepEqual(inQuery.problems.map((p) => p.name), ['gondola_job_wait_seconds']);
  t.regex(inQuery.problems[0]!.message, /_bucket, _sum and _count/);
  t.deepEqual(findUnknownReferences('`gondola_job_wait_seconds` (histogram)', 'ops.md', known, new Set(), { prose: true }).problems, []);
});

test('default process metrics carry the prefix and a family wildcard must match something', async (t) => {
  const known = await knownMetrics();
  t.true(known.series.has('gondola_process_resident_memory_bytes'));
  const text = 'see gondola_process_* and gondola_nodejs_eventloop_lag_p99_seconds, not gondola_gpu_*';
  t.deepEqual(findUnknownReferences(text, 'ops.md', known, new Set(), { prose: true }).problems.map((p) => p.name), ['gondola_gpu_*']);
});

test('only the two capability placeholders may be referenced before they exist', async (t) => {
  const known = await knownMetrics();
  const text = 'gondola_inflation_rate_anomaly > 0\ngondola_forecast_drift_ratio > 1.3\ngondola_forecast_mape_ratio > 1\n';
  t.deepEqual(findUnknownReferences(text, 'r.yml', known, new Set()).problems.map((p) => p.name), ['gondola_forecast_mape_ratio']);
});

test('recording rule names are accepted only where a rule records them', async (t) => {
  const known = await knownMetrics();
  const rules = '- record: gondola:queue_backlog:jobs\n  expr: sum(gondola_queue_jobs)\n- alert: X\n  expr: gondola:queue_backlog:jobs > 1 and gondola:queue_depth:max > 1\n';
  const recorded = recordedNames(rules);
  t.deepEqual([...recorded], ['gondola:queue_backlog:jobs']);
  t.deepEqual(findUnknownReferences(rules, 'r.yml', known, recorded).problems.map((p) => p.name), ['gondola:queue_depth:max']);
});

test('a runbook annotation must point at a heading of docs/operations.md', (t) => {
  const docs = '# Operating\n\n### GondolaQueueNotConsumed\n\ntext\n';
  const rules = 'annotations:\n  runbook: docs/operations.md#gondolaqueuenotconsumed\n---\n  runbook: docs/operations.md#gondolaworkerdown\n';
  t.deepEqual(findMissingRunbooks(rules, 'r.yml', docs).map((p) => [p.line, p.name]), [[4, '#gondolaworkerdown']]);
});
