import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import Tesseract from 'tesseract.js';
import type { TextLine } from '../../../shared/domain/invoice/parse-text.js';

const require = createRequire(import.meta.url);

/** Spanish data shipped in an npm package; `4.0.0` holds the integer LSTM model tesseract.js reads gzipped. */
export function spanishLangPath(variant: '4.0.0' | '4.0.0_best_int' = '4.0.0'): string {
  return join(dirname(require.resolve('@tesseract.js-data/spa/package.json')), variant);
}

export interface OcrPoolOptions {
  /** Workers (one thread each); defaults to the cores. */
  size?: number;
  langPath?: string;
  /** A worker that is not ready by then is given up on (it would otherwise hang on a missing file). */
  createTimeoutMs?: number;
  /** Tesseract page segmentation mode; 6 keeps each printed row of a table on one line. */
  psm?: string;
}

export interface OcrPage {
  lines: TextLine[];
  /** Mean word confidence 0..1. */
  confidence: number;
  ms: number;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
      timer.unref();
    }),
  ]);
}

/**
 * A fixed set of tesseract.js workers created once and reused for every page: creating one
 * costs a language-data load (~0.5 s and ~60 MB), recognizing a page costs a few seconds of one
 * core, so pages run in parallel up to the pool size.
 */
export class OcrPool {
  readonly size: number;
  private readonly opts: Required<Omit<OcrPoolOptions, 'size'>>;
  private scheduler: Tesseract.Scheduler | undefined;
  private starting: Promise<void> | undefined;
  private workers: Tesseract.Worker[] = [];

  constructor(opts: OcrPoolOptions = {}) {
    this.size = Math.max(1, opts.size ?? availableParallelism());
    this.opts = { langPath: opts.langPath ?? spanishLangPath(), createTimeoutMs: opts.createTimeoutMs ?? 30_000, psm: opts.psm ?? '6' };
  }

  /** Creates the workers (idempotent); rejects if one cannot be created in time. */
  start(): Promise<void> {
    this.starting ??= this.createAll().catch(async (err) => {
      await this.terminate();
      throw err;
    });
    return this.starting;
  }

  private async createAll(): Promise<void> {
    const scheduler = Tesseract.createScheduler();
    const created = await Promise.all(
      Array.from({ length: this.size }, async () => {
        const pending = Tesseract.createWorker('spa', Tesseract.OEM.LSTM_ONLY, {
          langPath: this.opts.langPath,
          gzip: true,
          cacheMethod: 'none',
          errorHandler: () => undefined,
        });
        const worker = await withTimeout(pending, this.opts.createTimeoutMs, 'creating an OCR worker').catch((err) => {
          void pending.then((w) => w.terminate()).catch(() => undefined);
          throw err;
        });
        await worker.setParameters({
          tessedit_pageseg_mode: this.opts.psm as Tesseract.PSM,
          preserve_interword_spaces: '1',
          user_defined_dpi: '300',
          // Pages reach OCR as dark text on a light ground; skipping the inverted-text retry saves time.
          tessedit_do_invert: '0',
        });
        return worker;
      }),
    );
    this.workers = created;
    for (const w of created) scheduler.addWorker(w);
    this.scheduler = scheduler;
  }

  /** Recognizes one page image (PNG/JPEG bytes) into printed lines with confidences. */
  async recognize(image: Buffer): Promise<OcrPage> {
    await this.start();
    const started = performance.now();
    const { data } = await this.scheduler!.addJob('recognize', image, {}, { text: false, blocks: false, tsv: true });
    return { ...tsvLines(data.tsv ?? ''), ms: performance.now() - started };
  }

  async terminate(): Promise<void> {
    const s = this.scheduler;
    this.scheduler = undefined;
    this.starting = undefined;
    this.workers = [];
    if (s) await s.terminate().catch(() => undefined);
  }
}

/**
 * Rebuilds printed lines from tesseract's TSV (one row per word with its box and confidence;
 * far cheaper to produce than the nested block/symbol tree): a gap wider than twice the line's
 * height is kept as three spaces, so columns stay apart for the parser.
 */
export function tsvLines(tsv: string): { lines: TextLine[]; confidence: number } {
  const groups = new Map<string, { x0: number; x1: number; h: number; conf: number; text: string }[]>();
  for (const row of tsv.split('\n')) {
    const c = row.split('\t');
    if (c[0] !== '5' || c.length < 12) continue;
    const text = c.slice(11).join('\t').trim();
    if (!text) continue;
    const key = `${c[1]}-${c[2]}-${c[3]}-${c[4]}`;
    const left = Number(c[6]);
    const words = groups.get(key) ?? [];
    words.push({ x0: left, x1: left + Number(c[8]), h: Number(c[9]), conf: Math.max(0, Number(c[10])), text });
    groups.set(key, words);
  }
  const lines: TextLine[] = [];
  let confSum = 0;
  let count = 0;
  for (const words of groups.values()) {
    words.sort((a, b) => a.x0 - b.x0);
    const height = Math.max(1, ...words.map((w) => w.h));
    let text = '';
    let prevEnd = -Infinity;
    let lineConf = 0;
    for (const w of words) {
      if (text) text += w.x0 - prevEnd > height * 2 ? '   ' : ' ';
      text += w.text;
      prevEnd = w.x1;
      lineConf += w.conf;
    }
    confSum += lineConf;
    count += words.length;
    lines.push({ text, confidence: Math.round(lineConf / words.length) / 100 });
  }
  return { lines, confidence: count ? Math.round(confSum / count) / 100 : 0 };
}
