import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { crc32, createDeflate } from 'node:zlib';
import test from 'ava';

/** A PDF from object bodies (1-based ids), with a correct cross-reference table. */
function buildPdf(objects: (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n')];
  const offsets: number[] = [];
  let length = parts[0]!.length;
  objects.forEach((body, i) => {
    offsets.push(length);
    const chunk = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`), Buffer.isBuffer(body) ? body : Buffer.from(body), Buffer.from('\nendobj\n')]);
    parts.push(chunk);
    length += chunk.length;
  });
  const xref = [`xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`, ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`)].join('');
  parts.push(Buffer.from(`${xref}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${length}\n%%EOF\n`));
  return Buffer.concat(parts);
}

/** Five empty pages of 3000×3000 pt: a few hundred bytes that ask for gigabytes of canvas. */
function hugePagesPdf(): Buffer {
  const pages = [3, 4, 5, 6, 7];
  return buildPdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    `<< /Type /Pages /Kids [${pages.map((p) => `${p} 0 R`).join(' ')}] /Count ${pages.length} >>`,
    ...pages.map(() => '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 3000 3000] >>'),
  ]);
}

async function deflateZeros(bytes: number): Promise<Buffer> {
  const out: Buffer[] = [];
  const z = createDeflate({ level: 9 });
  z.on('data', (d: Buffer) => out.push(d));
  const done = new Promise((r) => z.on('end', r));
  const chunk = Buffer.alloc(1 << 20);
  for (let left = bytes; left > 0; left -= chunk.length) {
    if (!z.write(left >= chunk.length ? chunk : chunk.subarray(0, left))) await new Promise((r) => z.once('drain', r));
  }
  z.end();
  await done;
  return Buffer.concat(out);
}

/** An A4 page showing one 20000×20000 grey image, compressed to a few hundred KB. */
async function hugeImagePdf(): Promise<Buffer> {
  const side = 20_000;
  const data = await deflateZeros(side * side);
  const content = 'q 595 0 0 842 0 0 cm /Im1 Do Q';
  return buildPdf([
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    Buffer.concat([Buffer.from(`<< /Type /XObject /Subtype /Image /Width ${side} /Height ${side} /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode /Length ${data.length} >>\nstream\n`), data, Buffer.from('\nendstream')]),
  ]);
}

/** A valid 1-bit grey PNG of `side`² white-ish pixels: small on disk, gigabytes once decoded to RGBA. */
async function hugePng(side: number): Promise<Buffer> {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([len, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // greyscale
  const idat = await deflateZeros((1 + Math.ceil(side / 8)) * side);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}

function peakRssKb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0);
}

/** Runs one file through a fresh extraction process (the one the worker forks) and reads its peak RSS. */
async function extractInChild(filePath: string, mimeType: string) {
  const entry = path.resolve('src/workers/processors/invoice-ingest.bootstrap.mjs');
  const child = fork(entry, ['--invoice-extractor'], { execArgv: [], env: { ...process.env, MALLOC_ARENA_MAX: '2', OCR_POOL_SIZE: '1', LOG_LEVEL: 'warn' }, serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    await new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`extraction process exited (${code})`)));
      child.on('message', (m: { ready?: boolean }) => m.ready && resolve());
    });
    const answer = await new Promise<{ ok: boolean; failure?: { code: string; message: string }; response?: { output: { pages: number } } }>((resolve, reject) => {
      child.once('exit', (code, signal) => reject(new Error(`extraction process died (${code ?? signal})`)));
      child.on('message', (m: { id?: number }) => m.id === 1 && resolve(m as never));
      child.send({ id: 1, request: { filePath, mimeType, deadlineMs: 120_000 } });
    });
    return { answer, peakMb: Math.round(peakRssKb(child.pid!) / 1024) };
  } finally {
    child.kill('SIGKILL');
  }
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'gondola-hostile-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

/** The extraction process recycles itself above 560 MB; a hostile file must not come near the gigabytes it used to take. */
const BUDGET_MB = 700;

test.serial('a 727-byte PDF with five 3000×3000 pt pages renders within the pixel budget', async (t) => {
  t.timeout(180_000);
  const file = path.join(dir, 'huge-pages.pdf');
  const pdf = hugePagesPdf();
  writeFileSync(file, pdf);
  t.true(pdf.length < 1024, `${pdf.length} bytes`);
  const { answer, peakMb } = await extractInChild(file, 'application/pdf');
  t.log({ bytes: pdf.length, peakMb, ok: answer.ok, failure: answer.failure });
  t.true(peakMb < BUDGET_MB, `peak RSS ${peakMb} MB`);
});

test.serial('a PDF holding one 20000² image is read without decoding the image', async (t) => {
  t.timeout(180_000);
  const file = path.join(dir, 'huge-image.pdf');
  const pdf = await hugeImagePdf();
  writeFileSync(file, pdf);
  const { answer, peakMb } = await extractInChild(file, 'application/pdf');
  t.log({ bytes: pdf.length, peakMb, ok: answer.ok, failure: answer.failure });
  t.true(peakMb < BUDGET_MB, `peak RSS ${peakMb} MB`);
});

test.serial('a photo declaring 20000×20000 px is refused from its header, before decoding', async (t) => {
  t.timeout(180_000);
  const file = path.join(dir, 'huge.png');
  const png = await hugePng(20_000);
  writeFileSync(file, png);
  const { answer, peakMb } = await extractInChild(file, 'image/png');
  t.log({ bytes: png.length, peakMb, failure: answer.failure });
  t.false(answer.ok);
  t.is(answer.failure?.code, 'unreadable_file');
  t.regex(answer.failure?.message ?? '', /too large/);
  t.true(peakMb < BUDGET_MB, `peak RSS ${peakMb} MB`);
});
