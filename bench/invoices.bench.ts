/**
 * Invoice extraction benchmark on corpora generated in this run (no network):
 * - the small two-layout corpus of the tests: field accuracy per header field, per kind of file
 *   and per source (qr/text/ocr), and line item F1, against the data the invoices were rendered from;
 * - the development corpus (`test/helpers/invoice-corpus/dev/`): ten real-world layouts as text
 *   PDF, scan and phone photos with the QR visible and covered, per layout, per field, per source;
 * - real public invoices when `GONDOLA_REAL_INVOICES_DIR` names a directory with `truth.json`
 *   (PDFs as they are and photographed the same way), reported separately;
 * - fields read wrong with a confidence at or above the auto-post threshold (must be none);
 * - OCR throughput of the tesseract.js pool vs one worker on the same pages;
 * - ms/page against the native `tesseract` CLI on the same pages, when it is installed;
 * - peak RSS of the extraction process (the forked sandbox that a worker uses).
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { ExtractionSandbox } from '../src/workers/processors/invoice-ingest.sandbox.js';
import type { InvoiceMimeType } from '../src/workers/processors/invoice-ingest/extract.js';
import { OcrPool, spanishLangPath } from '../src/workers/processors/invoice-ingest/ocr-pool.js';
import { DEFAULT_PREPROCESS, preparePage } from '../src/workers/processors/invoice-ingest/preprocess.js';
import { photoOptions, renderImagePdf, renderPhoto, renderTextPdf } from '../test/helpers/invoice-corpus/render.js';
import { HEADER_FIELDS, expectedHeader, scoreHeader, scoreLines } from '../test/helpers/invoice-corpus/score.js';
import { buildDevCorpus, type DevDoc } from '../test/helpers/invoice-corpus/dev/corpus.js';
import { buildRealDocs, type RealDoc } from '../test/helpers/invoice-corpus/dev/real.js';
import { compareFields, KEY_FIELDS, Tally, type FieldResult } from '../test/helpers/invoice-corpus/dev/tally.js';
import { loadConfig } from '../src/shared/config.js';
import { makeInvoiceSpec, type FontFamily, type InvoiceSpec, type LayoutName } from '../test/helpers/invoice-corpus/spec.js';

const run = promisify(execFile);
type Kind = 'pdf_text' | 'pdf_scan' | 'photo';

interface Doc {
  spec: InvoiceSpec;
  kind: Kind;
  path: string;
  mime: InvoiceMimeType;
}

const LETTERS = ['A', 'B', 'C'] as const;
const LAYOUTS: LayoutName[] = ['afip', 'distribuidora'];
const FONTS: FontFamily[] = ['arimo', 'dejavu-sans', 'tinos', 'dejavu-serif', 'cousine'];

async function buildCorpus(dir: string): Promise<Doc[]> {
  const docs: Doc[] = [];
  let seed = 100;
  const plan: [Kind, number][] = [
    ['pdf_text', 6],
    ['pdf_scan', 3],
    ['photo', 6],
  ];
  for (const [kind, count] of plan) {
    for (let i = 0; i < count; i++) {
      seed++;
      const spec = makeInvoiceSpec(seed, { letter: LETTERS[i % 3]!, layout: LAYOUTS[Math.floor(i / 3) % 2]!, font: FONTS[seed % FONTS.length]!, qr: i % 3 !== 2 });
      const base = join(dir, `${kind}-${seed}`);
      if (kind === 'pdf_text') {
        await writeFile(`${base}.pdf`, await renderTextPdf(spec));
        docs.push({ spec, kind, path: `${base}.pdf`, mime: 'application/pdf' });
      } else if (kind === 'pdf_scan') {
        await writeFile(`${base}.pdf`, await renderImagePdf(spec));
        docs.push({ spec, kind, path: `${base}.pdf`, mime: 'application/pdf' });
      } else {
        const format = i % 2 === 0 ? 'jpeg' : 'png';
        await writeFile(`${base}.${format === 'jpeg' ? 'jpg' : 'png'}`, await renderPhoto(spec, photoOptions(seed, format), seed));
        docs.push({ spec, kind, path: `${base}.${format === 'jpeg' ? 'jpg' : 'png'}`, mime: format === 'jpeg' ? 'image/jpeg' : 'image/png' });
      }
    }
  }
  return docs;
}

const pct = (ok: number, n: number) => (n ? Math.round((ok / n) * 10000) / 100 : null);

async function accuracy(docs: Doc[], sandbox: ExtractionSandbox) {
  const byKind: Record<string, { ok: number; n: number }> = {};
  const byField: Record<string, Record<string, { ok: number; n: number }>> = {};
  const bySource: Record<string, { ok: number; n: number }> = {};
  const lines: Record<string, { tp: number; predicted: number; expected: number }> = {};
  const ms: Record<string, number[]> = {};
  const misses: unknown[] = [];
  for (const d of docs) {
    const started = performance.now();
    const { output } = await sandbox.extract({ filePath: d.path, mimeType: d.mime, deadlineMs: 120_000 });
    (ms[d.kind] ??= []).push(performance.now() - started);
    for (const f of scoreHeader(d.spec, output.extraction)) {
      const k = (byKind[d.kind] ??= { ok: 0, n: 0 });
      const fk = ((byField[f.field] ??= {})[d.kind] ??= { ok: 0, n: 0 });
      const sk = (bySource[f.source ?? 'missing'] ??= { ok: 0, n: 0 });
      for (const c of [k, fk, sk]) {
        c.n++;
        if (f.ok) c.ok++;
      }
      if (!f.ok) misses.push({ doc: d.spec.id, kind: d.kind, field: f.field, expected: f.expected, got: f.got ?? null, source: f.source });
    }
    const l = scoreLines(d.spec, output.extraction);
    const lk = (lines[d.kind] ??= { tp: 0, predicted: 0, expected: 0 });
    lk.tp += l.truePositives;
    lk.predicted += l.predicted;
    lk.expected += l.expected;
  }
  const f1 = Object.fromEntries(
    Object.entries(lines).map(([k, v]) => {
      const p = v.predicted ? v.tp / v.predicted : 0;
      const r = v.expected ? v.tp / v.expected : 0;
      return [k, p + r ? Math.round(((2 * p * r) / (p + r)) * 1000) / 1000 : 0];
    }),
  );
  return {
    headerAccuracyPct: Object.fromEntries(Object.entries(byKind).map(([k, v]) => [k, pct(v.ok, v.n)])),
    fieldAccuracyPct: Object.fromEntries(HEADER_FIELDS.map((f) => [f, Object.fromEntries(Object.entries(byField[f] ?? {}).map(([k, v]) => [k, pct(v.ok, v.n)]))])),
    sourceAccuracyPct: Object.fromEntries(Object.entries(bySource).map(([k, v]) => [k, { pct: pct(v.ok, v.n), fields: v.n }])),
    lineF1: f1,
    msPerFile: Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, Math.round(v.reduce((a, b) => a + b, 0) / v.length)])),
    misses: misses.slice(0, 40),
  };
}

interface SetDoc {
  id: string;
  group: string;
  kind: string;
  path: string;
  mime: InvoiceMimeType;
  expected: Record<string, unknown>;
}

const devDoc = (d: DevDoc): SetDoc => ({ id: d.spec.id, group: d.layout, kind: d.kind, path: d.path, mime: d.mime, expected: expectedHeader(d.spec) });
// Reports name a real invoice by its place in the local truth.json, never by its (third-party) file name.
const realDoc = (d: RealDoc): SetDoc => {
  const { file: _file, source: _source, ...fields } = d.truth;
  const id = `real-${String(d.index).padStart(2, '0')}`;
  return { id, group: id, kind: d.kind, path: d.path, mime: d.mime, expected: Object.fromEntries(Object.entries(fields).filter(([k, v]) => v !== null && k !== 'hasQr')) };
};

/**
 * Runs every file of a set through the extraction process and tallies: key header fields per
 * kind, per group (layout or file) and kind, every field per kind, per source; fields wrong with
 * a confidence at or above the auto-post threshold; invoices whose confidence clears it while a
 * key field is wrong.
 */
async function runSet(docs: SetDoc[], sandbox: ExtractionSandbox, threshold: number) {
  const t = new Tally();
  const confidentWrong: unknown[] = [];
  const misses: unknown[] = [];
  let invoicesOverThresholdWrong = 0;
  let invoicesOverThreshold = 0;
  const ms: Record<string, number[]> = {};
  // The files that raised an extraction process's peak RSS, highest first: where the budget goes.
  const peaks: { doc: string; kind: string; peakMb: number; jobInProcess: number }[] = [];
  let lastPeak = 0;
  let recycled = sandbox.recycled;
  let jobInProcess = 0;
  for (const d of docs) {
    const started = performance.now();
    const { output, maxRssKb } = await sandbox.extract({ filePath: d.path, mimeType: d.mime, deadlineMs: 120_000 });
    (ms[d.kind] ??= []).push(performance.now() - started);
    jobInProcess++;
    if (maxRssKb > lastPeak) peaks.push({ doc: d.id, kind: d.kind, peakMb: Math.round(maxRssKb / 1024), jobInProcess });
    lastPeak = maxRssKb;
    if (sandbox.recycled !== recycled) {
      // The next file runs in a fresh process.
      recycled = sandbox.recycled;
      lastPeak = 0;
      jobInProcess = 0;
    }
    const results: FieldResult[] = compareFields(output.extraction, d.expected);
    const key = results.filter((r) => (KEY_FIELDS as readonly string[]).includes(r.field));
    for (const r of key) {
      t.add(`kind:${d.kind}`, r.ok);
      t.add(`group:${d.group}|${d.kind}`, r.ok);
    }
    t.add(`doc:${d.kind}`, key.every((r) => r.ok));
    // What the photo pipeline did, and how the files it acted on came out.
    const ph = output.photo;
    if (ph) {
      const allOk = key.every((r) => r.ok);
      if (ph.pageFound) t.add('step:sheet found and flattened', allOk);
      if (ph.turns % 4 !== 0) t.add(`step:turned ${(ph.turns % 4) * 90}°`, allOk);
      if (ph.qrFoundBy && ph.qrFoundBy !== 'photo' && ph.qrFoundBy !== 'page') t.add(`step:QR found only by the search (${ph.qrFoundBy})`, allOk);
      if (d.kind.includes('qr') && !d.kind.includes('noqr') && !ph.qrFoundBy) t.add('step:QR visible but not found', allOk);
      if (ph.secondLook) t.add('step:page read again, light evened out', allOk);
      if (ph.headerLook) t.add('step:header block read on its own', allOk);
    }
    for (const r of results) {
      t.add(`field:${r.field}|${d.kind}`, r.ok);
      t.add(`source:${r.source ?? 'missing'}`, r.ok);
      if (!r.ok) misses.push({ doc: d.id, kind: d.kind, field: r.field, expected: r.expected, got: r.got ?? null, confidence: r.confidence, source: r.source });
      if (r.present && !r.ok && r.confidence !== null && r.confidence >= threshold) confidentWrong.push({ doc: d.id, kind: d.kind, field: r.field, expected: r.expected, got: r.got, confidence: r.confidence });
    }
    if (output.extraction.confidence >= threshold) {
      invoicesOverThreshold++;
      if (key.some((r) => !r.ok)) invoicesOverThresholdWrong++;
    }
  }
  const byGroup: Record<string, Record<string, number | null>> = {};
  for (const [k, v] of Object.entries(t.table('group:'))) {
    const [g, kind] = k.split('|');
    (byGroup[g!] ??= {})[kind!] = v;
  }
  const byField: Record<string, Record<string, number | null>> = {};
  for (const [k, v] of Object.entries(t.table('field:'))) {
    const [f, kind] = k.split('|');
    (byField[f!] ??= {})[kind!] = v;
  }
  return {
    files: docs.length,
    keyFieldsPct: t.table('kind:'),
    wholeHeaderRightPct: t.table('doc:'),
    totalPct: byField.total ?? {},
    perGroup: byGroup,
    perField: byField,
    perSource: t.table('source:'),
    /** Files each photo step acted on: `{ count, keyFieldsAllRightPct }`. */
    steps: Object.fromEntries(Object.keys(t.table('step:')).map((k) => [k, { files: t.n(`step:${k}`), allKeyFieldsRightPct: t.pct(`step:${k}`) }])),
    msPerFile: Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, Math.round(v.reduce((a, b) => a + b, 0) / v.length)])),
    confidentWrongFields: confidentWrong.length,
    confidentWrong: confidentWrong.slice(0, 20),
    invoicesOverThreshold,
    invoicesOverThresholdWithWrongKeyField: invoicesOverThresholdWrong,
    misses: misses.slice(0, 60),
    /** `jobInProcess`: 1 = the first file a fresh extraction process read. */
    rssPeaks: peaks.sort((a, b) => b.peakMb - a.peakMb).slice(0, 8),
  };
}

/** `--name=value` arguments of this script. */
function arg(name: string): string | undefined {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a?.slice(name.length + 3);
}

/** Pages/s of a pool over the pages, all submitted at once. */
async function poolThroughput(pool: OcrPool, pages: Buffer[]): Promise<number> {
  const started = performance.now();
  await Promise.all(pages.map((p) => pool.recognize(p)));
  return pages.length / ((performance.now() - started) / 1000);
}

/**
 * A started pool whose workers have each read two pages: V8 compiles the OCR WebAssembly in
 * tiers in the background, per worker, and a long-lived pool has paid that long before.
 */
async function warmPool(size: number, pages: Buffer[]): Promise<OcrPool> {
  const pool = new OcrPool({ size });
  await pool.start();
  await Promise.all(Array.from({ length: size * 2 }, (_, i) => pool.recognize(pages[i % pages.length]!)));
  return pool;
}

/** Writes the pages for the CLI; null when `tesseract` is not installed. */
async function cliFiles(dir: string, pages: Buffer[]): Promise<string[] | null> {
  try {
    await run('tesseract', ['--version']);
  } catch {
    return null;
  }
  const files: string[] = [];
  for (const [i, p] of pages.entries()) {
    const f = join(dir, `cli-${i}.png`);
    await writeFile(f, p);
    files.push(f);
  }
  return files;
}

/**
 * The CLI reads `tessdataDir` when given: the very model the pool runs (the npm package's, gunzipped),
 * so the ratio compares engines; without it, the distribution's own Spanish data.
 */
const cliArgs = (f: string, tessdataDir?: string) => [f, 'stdout', ...(tessdataDir ? ['--tessdata-dir', tessdataDir] : []), '-l', 'spa', '--psm', '6', '--oem', '1'];

/** Writes the pool's traineddata (gzipped in its npm package) where the CLI can read it. */
async function poolModelForCli(dir: string): Promise<string> {
  const out = join(dir, 'tessdata');
  await mkdir(out, { recursive: true });
  await writeFile(join(out, 'spa.traineddata'), gunzipSync(await readFile(join(spanishLangPath(), 'spa.traineddata.gz'))));
  return out;
}

/** Pages/s of the CLI one page after another with its default (OpenMP) threading. */
async function cliSequential(files: string[], tessdataDir?: string): Promise<number> {
  const started = performance.now();
  for (const f of files) await run('tesseract', cliArgs(f, tessdataDir), { maxBuffer: 8 << 20 });
  return files.length / ((performance.now() - started) / 1000);
}

/** Pages/s of `procs` single-threaded CLI processes side by side (one per core: its best throughput here). */
async function cliParallel(files: string[], cores: number, tessdataDir?: string): Promise<number> {
  const env = { ...process.env, OMP_THREAD_LIMIT: '1' };
  const queue = [...files];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: cores }, async () => {
      for (let f = queue.shift(); f; f = queue.shift()) await run('tesseract', cliArgs(f, tessdataDir), { maxBuffer: 8 << 20, env });
    }),
  );
  return files.length / ((performance.now() - started) / 1000);
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'gondola-invoice-bench-'));
  const cores = availableParallelism();
  try {
    const t0 = performance.now();
    const docs = await buildCorpus(dir);
    const corpusSeconds = (performance.now() - t0) / 1000;

    const config = loadConfig({ ...process.env } as Record<string, string>);
    const threshold = config.INVOICE_AUTO_POST_CONFIDENCE;
    const perLayout = Number(arg('per-layout') ?? 1);
    const t1 = performance.now();
    const devDir = join(dir, 'dev');
    await mkdir(devDir);
    const dev = await buildDevCorpus(devDir, { seed: 7000, perLayout: { pdf_text: 1, pdf_scan: 1, photo_qr: perLayout, photo_noqr: perLayout } });
    const realDir = arg('real') ?? config.GONDOLA_REAL_INVOICES_DIR;
    const real = realDir ? await buildRealDocs(realDir, dir, 9100, Number(arg('real-limit') ?? 12)) : [];
    const devSeconds = (performance.now() - t1) / 1000;

    const ablate = process.argv.find((a) => a.startsWith('--ablate'));
    if (ablate) {
      // Each photo step off (or binarization on) in turn, on the development photos only.
      const photos = dev.filter((d) => d.kind.startsWith('photo')).map(devDoc);
      const variants = {
        all: 'page,orientation,qr,second',
        withoutPage: 'orientation,qr,second',
        withoutOrientation: 'page,qr,second',
        withoutQrSearch: 'page,orientation,second',
        withoutSecondLook: 'page,orientation,qr',
        withHeaderLook: 'page,orientation,qr,second,header',
        withLightAlways: 'page,orientation,light,qr',
        none: 'none',
        withBinarize: 'page,orientation,qr,second,binarize',
      };
      const ablation: Record<string, unknown> = {};
      // `--ablate` runs every variant, `--ablate=none,withBinarize` only those.
      const wanted = ablate.includes('=') ? ablate.split('=')[1]!.split(',') : Object.keys(variants);
      for (const [name, steps] of Object.entries(variants).filter(([n]) => wanted.includes(n))) {
        process.env.INVOICE_PHOTO_STEPS = steps;
        const sb = new ExtractionSandbox();
        const r = await runSet(photos, sb, threshold);
        await sb.close();
        ablation[name] = { steps, keyFieldsPct: r.keyFieldsPct, totalPct: r.totalPct, msPerFile: r.msPerFile, confidentWrongFields: r.confidentWrongFields };
        console.log(JSON.stringify({ ablation: name, ...(ablation[name] as object) }));
      }
      delete process.env.INVOICE_PHOTO_STEPS;
      await mkdir(new URL('./results/', import.meta.url), { recursive: true });
      await writeFile(new URL('./results/invoices-ablation.json', import.meta.url), JSON.stringify({ bench: 'invoices-ablation', photos: photos.length, ablation }, null, 2));
      return;
    }

    const sandbox = new ExtractionSandbox();
    const acc = await accuracy(docs, sandbox);
    const devSet = await runSet(dev.map(devDoc), sandbox, threshold);
    const realRun = real.length ? await runSet(real.map(realDoc), sandbox, threshold) : null;
    // Values read from third-party invoices (CUITs of people among them) stay out of the results file.
    const redact = (list: unknown[]) => list.map((m) => ({ ...(m as object), expected: undefined, got: undefined }));
    const realSet = realRun ? { ...realRun, misses: redact(realRun.misses), confidentWrong: redact(realRun.confidentWrong) } : null;
    const rssMb = Math.round(sandbox.maxRssKb / 1024);
    const recycled = sandbox.recycled;
    await sandbox.close();

    // The same OCR input for every engine: development-corpus photos after the photo pipeline.
    const pages: Buffer[] = [];
    for (const d of dev.filter((x) => x.kind === 'photo_noqr').slice(0, 6)) {
      pages.push((await preparePage(await readFile(d.path), DEFAULT_PREPROCESS)).png);
    }
    // Other work on a shared machine makes one run noisy: the engines take turns, three rounds,
    // and each keeps its best round.
    const loadBefore = loadavg()[0]!;
    const files = await cliFiles(dir, pages);
    const model = files ? await poolModelForCli(dir) : undefined;
    if (files) await run('tesseract', cliArgs(files[0]!, model), { maxBuffer: 8 << 20 });
    let single = 0;
    let pooled = 0;
    let cliPar = 0;
    let cliSeq = 0;
    let cliOne = 0;
    let cliDistro = 0;
    const onePool = await warmPool(1, pages);
    const fullPool = await warmPool(cores, pages);
    const rounds = Number(arg('rounds') ?? 3);
    for (let round = 0; round < rounds; round++) {
      single = Math.max(single, await poolThroughput(onePool, pages));
      pooled = Math.max(pooled, await poolThroughput(fullPool, pages));
      if (files) cliPar = Math.max(cliPar, await cliParallel(files, cores, model));
      // What this machine gives native code for a second process: the ceiling for any pool here.
      if (files) cliOne = Math.max(cliOne, await cliParallel(files, 1, model));
      if (files && round === 0) cliSeq = await cliSequential(files, model);
      // The distribution's Spanish data is a smaller ("fast") network: reported, not the goal's baseline.
      if (files) cliDistro = Math.max(cliDistro, await cliParallel(files, cores));
    }
    await Promise.all([onePool.terminate(), fullPool.terminate()]);
    const speedup = pooled / single;
    const cliRuns = files ? { sequential: 1000 / cliSeq, parallel: 1000 / cliPar } : null;
    // The goal is judged against the CLI's faster way of running, with the same model.
    const cli = cliRuns === null ? null : Math.min(cliRuns.sequential, cliRuns.parallel);
    const poolMsPerPage = 1000 / pooled;
    const cliRatio = cli === null ? null : cli / poolMsPerPage;

    const headerPdf = acc.headerAccuracyPct.pdf_text ?? 0;
    const headerPhoto = acc.headerAccuracyPct.photo ?? 0;
    const scanF1 = acc.lineF1.pdf_scan ?? 0;
    const goals = {
      headerPdfPct: { goal: '>= 99', value: headerPdf, met: headerPdf >= 99 },
      headerPhotoPct: { goal: '>= 90', value: headerPhoto, met: headerPhoto >= 90 },
      lineF1CleanScans: { goal: '>= 0.9', value: scanF1, met: scanF1 >= 0.9 },
      poolSpeedup: { goal: cores >= 2 ? '>= 1.8' : 'n/a on 1 core', value: Math.round(speedup * 100) / 100, met: cores < 2 || speedup >= 1.8 },
      speedVsCli: cli === null ? { goal: '>= 0.8', value: null, met: true, note: 'tesseract CLI not installed: ratio skipped' } : { goal: '>= 0.8', value: Math.round(cliRatio! * 100) / 100, met: cliRatio! >= 0.8 },
      extractionPeakRssMb: { goal: '< 700', value: rssMb, met: rssMb < 700 },
    };
    const qrPhotos = devSet.keyFieldsPct.photo_qr ?? 0;
    const ocrPhotos = devSet.keyFieldsPct.photo_noqr ?? 0;
    const ocrTotal = devSet.totalPct.photo_noqr ?? 0;
    const confidentWrong = devSet.confidentWrongFields + (realSet?.confidentWrongFields ?? 0);
    Object.assign(goals, {
      devHeaderQrPhotosPct: { goal: '>= 99', value: qrPhotos, met: qrPhotos >= 99 },
      devHeaderOcrPhotosPct: { goal: '>= 95', value: ocrPhotos, met: ocrPhotos >= 95 },
      devTotalOcrPhotosPct: { goal: '>= 95', value: ocrTotal, met: ocrTotal >= 95 },
      wrongFieldsAtOrAboveAutoPost: { goal: '== 0', value: confidentWrong, threshold, met: confidentWrong === 0 },
      ...(realSet
        ? {
            realHeaderQrPhotosPct: { goal: '>= 99', value: realSet.keyFieldsPct.photo_qr ?? null, met: (realSet.keyFieldsPct.photo_qr ?? 0) >= 99 },
            realHeaderOcrPhotosPct: { goal: '>= 95', value: realSet.keyFieldsPct.photo_noqr ?? null, met: (realSet.keyFieldsPct.photo_noqr ?? 0) >= 95 },
            realTotalOcrPhotosPct: { goal: '>= 95', value: realSet.totalPct.photo_noqr ?? null, met: (realSet.totalPct.photo_noqr ?? 0) >= 95 },
          }
        : {}),
    });
    const met = Object.values(goals).every((g) => g.met);
    const metrics = {
      corpus: { files: docs.length, pdfText: 6, pdfScan: 3, photos: 6, renderSeconds: Math.round(corpusSeconds * 10) / 10 },
      ...acc,
      dev: { renderSeconds: Math.round(devSeconds * 10) / 10, perLayout, ...devSet },
      real: realSet ? { dir: 'GONDOLA_REAL_INVOICES_DIR', ...realSet } : null,
      ocr: {
        cores,
        loadAverage1m: Math.round(loadBefore * 100) / 100,
        rounds,
        pages: pages.length,
        singleWorkerPagesPerSec: Math.round(single * 1000) / 1000,
        poolPagesPerSec: Math.round(pooled * 1000) / 1000,
        poolMsPerPage: Math.round(poolMsPerPage),
        singleWorkerMsPerPage: Math.round(1000 / single),
        cliMsPerPage: cli === null ? null : Math.round(cli),
        cliSequentialMsPerPage: cliRuns === null ? null : Math.round(cliRuns.sequential),
        cliParallelMsPerPage: cliRuns === null ? null : Math.round(cliRuns.parallel),
        cliSingleThreadMsPerPage: files ? Math.round(1000 / cliOne) : null,
        nativeScalingOneToAllCores: files ? Math.round((cliPar / cliOne) * 100) / 100 : null,
        cliDistroModelParallelMsPerPage: files ? Math.round(1000 / cliDistro) : null,
        ratioVsCliDistroModel: files ? Math.round((1000 / cliDistro / poolMsPerPage) * 100) / 100 : null,
        cliNote:
          'same preprocessed pages, --psm 6 --oem 1, the same spa.traineddata as the pool (npm @tesseract.js-data/spa, gunzipped); distro model = the Debian tesseract-ocr-spa data, a smaller network; sequential = default threading one page after another, parallel = OMP_THREAD_LIMIT=1 one process per core; ratio = the faster CLI ms/page ÷ pool ms/page',
      },
      extractionPeakRssMb: rssMb,
      extractionProcessesRecycled: recycled,
    };
    await mkdir(new URL('./results/', import.meta.url), { recursive: true });
    await writeFile(new URL('./results/invoices.json', import.meta.url), JSON.stringify({ bench: 'invoices', metrics, goals, met }, null, 2));
    const brief = (x: ReturnType<typeof runSet> extends Promise<infer R> ? R | null : never) => (x ? { ...x, misses: undefined, confidentWrong: undefined } : null);
    console.log(JSON.stringify({ bench: 'invoices', metrics: { ...metrics, misses: undefined, dev: { ...brief(devSet), renderSeconds: metrics.dev.renderSeconds }, real: brief(realSet) }, goals, met }));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
