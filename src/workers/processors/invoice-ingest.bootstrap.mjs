// Entry of the forked extraction process. The heavy libraries are imported natively first and
// only then is the TypeScript loader registered: modules already in the cache are not
// transformed again, which keeps ~250 MB of transformed sources and source maps out of a process
// whose memory budget is spent on OCR. Built (`npm run build`), the compiled module sits beside
// this file and no loader is registered at all.
import { existsSync } from 'node:fs';
import 'sharp';
import '@napi-rs/canvas';
import 'tesseract.js';
import 'zxing-wasm/reader';
import 'pdfjs-dist/legacy/build/pdf.min.mjs';
import * as pdfWorker from 'pdfjs-dist/legacy/build/pdf.worker.min.mjs';

// pdf.js runs its "fake worker" from this global instead of importing the worker module itself.
globalThis.pdfjsWorker = pdfWorker;
const compiled = new URL('./invoice-ingest.processor.js', import.meta.url);
if (existsSync(compiled)) {
  await import(compiled.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./invoice-ingest.processor.ts');
}
