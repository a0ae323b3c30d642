import { spawnSync } from 'node:child_process';
import test from 'ava';

/** Runs a Debian ops tool (installed by `npm test` through scripts/ensure-system-packages.ts). */
function run(cmd: string, args: string[]) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

test('promtool check rules: the alert and recording rules are valid', (t) => {
  const r = run('promtool', ['check', 'rules', 'observability/alerts/gondola.rules.yml']);
  t.is(r.status, 0, r.output);
});

test('promtool test rules: the alert rules fire as their unit tests say', (t) => {
  const r = run('promtool', ['test', 'rules', 'observability/alerts/tests/gondola.rules.test.yml']);
  t.is(r.status, 0, r.output);
});

test('amtool check-config: the Alertmanager configuration is valid', (t) => {
  const r = run('amtool', ['check-config', 'observability/alertmanager/alertmanager.yml']);
  t.is(r.status, 0, r.output);
});

// Debian's promtool is built without Kubernetes service discovery, so only the compose config is checked here.
test('promtool check config: the Prometheus scrape configuration of the compose setup is valid', (t) => {
  const r = run('promtool', ['check', 'config', '--syntax-only', 'observability/prometheus/prometheus.yml']);
  t.is(r.status, 0, r.output);
});
