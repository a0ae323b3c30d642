/**
 * Checks that every `gondola_` metric named in the alert rules, Grafana dashboards, KEDA
 * triggers and operations docs is defined in `src/shared/metrics.ts`, so a renamed metric
 * cannot silently empty a dashboard or mute an alert; and that every alert's runbook anchor
 * exists in docs/operations.md. Run: `npx tsx observability/check-metrics.ts`.
 *
 * Queries (rules, dashboards, manifests) must name stored series: a histogram is stored as
 * `_bucket`, `_sum` and `_count`, never under its bare name. Docs may name the bare metric, and
 * a trailing `*` (`gondola_process_*`) names a family that must match at least one metric.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { registry } from '../src/shared/metrics.js';

/** Alerts written ahead of the capabilities that will export these metrics. */
export const PLACEHOLDER_METRICS: readonly string[] = [];

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Where metric names are referenced: [directory or file, accepted extensions]. */
const SOURCES: ReadonlyArray<[string, readonly string[]]> = [
  ['observability/alerts', ['.yml', '.yaml']],
  ['observability/prometheus', ['.yml', '.yaml']],
  ['observability/grafana/dashboards', ['.json']],
  ['deploy/k8s', ['.yml', '.yaml']],
  ['docs/operations.md', ['.md']],
  ['deploy/README.md', ['.md']],
];

export interface KnownMetrics {
  /** Names of stored series, as a query must spell them. */
  series: ReadonlySet<string>;
  /** Metric names as defined (histograms under their bare name too). */
  metrics: ReadonlySet<string>;
}

export interface Problem {
  file: string;
  line: number;
  name: string;
  message: string;
}

export interface CheckResult {
  files: string[];
  references: number;
  problems: Problem[];
}

/** The metrics registered in `src/shared/metrics.ts`, default process metrics included. */
export async function knownMetrics(): Promise<KnownMetrics> {
  const series = new Set<string>();
  const metrics = new Set<string>();
  for (const m of await registry.getMetricsAsJSON()) {
    const type = String(m.type);
    metrics.add(m.name);
    if (type === 'histogram') for (const s of ['_bucket', '_sum', '_count']) series.add(m.name + s);
    else if (type === 'summary') for (const s of ['', '_sum', '_count']) series.add(m.name + s);
    else series.add(m.name);
  }
  return { series, metrics };
}

/** Recording rule names (`level:metric:operations`) defined by `record:` lines. */
export function recordedNames(text: string): Set<string> {
  return new Set([...text.matchAll(/^\s*-?\s*record:\s*["']?([\w:]+)/gm)].map((m) => m[1]!));
}

const lineOf = (text: string, index: number) => text.slice(0, index).split('\n').length;

/**
 * Every `gondola_…` metric token and `gondola:…:…` recording-rule token in `text` that is not
 * known. `prose` files (docs) may use bare histogram names.
 */
export function findUnknownReferences(
  text: string,
  file: string,
  known: KnownMetrics,
  recorded: ReadonlySet<string>,
  { prose = false }: { prose?: boolean } = {},
): { references: number; problems: Problem[] } {
  const problems: Problem[] = [];
  let references = 0;
  const names = prose ? new Set([...known.series, ...known.metrics]) : known.series;
  for (const m of text.matchAll(/\bgondola_\w*\*?/g)) {
    const token = m[0];
    const line = lineOf(text, m.index);
    const family = token.endsWith('*') || token.endsWith('_');
    const stem = token.replace(/\*$/, '');
    if (stem === 'gondola_') continue; // the prefix itself, e.g. "metrics are prefixed gondola_"
    references++;
    if (family) {
      if (![...names].some((n) => n.startsWith(stem))) problems.push({ file, line, name: token, message: 'no metric starts with this prefix' });
    } else if (PLACEHOLDER_METRICS.includes(stem)) {
      continue;
    } else if (!names.has(stem)) {
      const message = known.metrics.has(stem)
        ? 'a histogram is stored as _bucket, _sum and _count; a query must name one of those'
        : 'not defined in src/shared/metrics.ts';
      problems.push({ file, line, name: token, message });
    }
  }
  for (const m of text.matchAll(/\bgondola:\w+:[\w:]+/g)) {
    references++;
    if (!recorded.has(m[0])) problems.push({ file, line: lineOf(text, m.index), name: m[0], message: 'no recording rule records this name' });
  }
  return { references, problems };
}

/** GitHub's anchor for a markdown heading. */
export function headingAnchor(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\w\- ]/g, '').replace(/ /g, '-');
}

/** `runbook: docs/operations.md#anchor` annotations whose anchor no heading of `docs` has. */
export function findMissingRunbooks(rules: string, file: string, docs: string): Problem[] {
  const anchors = new Set([...docs.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => headingAnchor(m[1]!)));
  return [...rules.matchAll(/runbook:\s*["']?docs\/operations\.md#([\w-]+)/g)]
    .filter((m) => !anchors.has(m[1]!))
    .map((m) => ({ file, line: lineOf(rules, m.index), name: `#${m[1]}`, message: 'no heading in docs/operations.md has this anchor' }));
}

/** The files checked by default, relative to `root`. */
export function referencingFiles(root: string = REPO_ROOT): string[] {
  const files: string[] = [];
  for (const [source, exts] of SOURCES) {
    const full = path.join(root, source);
    if (!existsSync(full)) continue; // a source that does not exist yet references nothing
    const entries = path.extname(source) ? [''] : (readdirSync(full, { recursive: true }) as string[]);
    for (const entry of entries) {
      const rel = path.join(source, entry);
      if (exts.includes(path.extname(rel))) files.push(rel);
    }
  }
  return files.sort();
}

/** Checks every referencing file under `root` against the registry. */
export async function checkMetricReferences(root: string = REPO_ROOT, files: string[] = referencingFiles(root)): Promise<CheckResult> {
  const known = await knownMetrics();
  const texts = new Map(files.map((f) => [f, readFileSync(path.join(root, f), 'utf8')]));
  const recorded = new Set<string>();
  for (const [file, text] of texts) if (/\.ya?ml$/.test(file)) for (const n of recordedNames(text)) recorded.add(n);

  const result: CheckResult = { files, references: 0, problems: [] };
  for (const [file, text] of texts) {
    if (file.endsWith('.json')) {
      try {
        JSON.parse(text);
      } catch (err) {
        result.problems.push({ file, line: 1, name: '', message: `invalid JSON: ${(err as Error).message}` });
      }
    }
    const found = findUnknownReferences(text, file, known, recorded, { prose: file.endsWith('.md') });
    result.references += found.references;
    result.problems.push(...found.problems);
    const docs = texts.get('docs/operations.md');
    if (docs !== undefined && /\.ya?ml$/.test(file)) result.problems.push(...findMissingRunbooks(text, file, docs));
  }
  return result;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await checkMetricReferences();
  for (const p of result.problems) console.error(`${p.file}:${p.line}: ${p.name} — ${p.message}`);
  console.log(`${result.references} metric references in ${result.files.length} files, ${result.problems.length} problems`);
  process.exit(result.problems.length ? 1 : 0);
}
