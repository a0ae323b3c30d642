// Measures the JavaScript a browser loads before the first page (the entry script and its
// modulepreloads in web/dist/index.html), gzipped; fails above the budget of 300 KB.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const BUDGET = 300 * 1024;
const html = readFileSync('web/dist/index.html', 'utf8');
const files = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
const sizes = files.map((f) => ({ file: f, gzipBytes: gzipSync(readFileSync(`web/dist/${f}`), { level: 9 }).length }));
const total = sizes.reduce((a, s) => a + s.gzipBytes, 0);
console.log(JSON.stringify({ bench: 'web-size', metrics: { initialJsGzipBytes: total, initialJsGzipKB: Math.round(total / 102.4) / 10, files: sizes }, goals: { initialJsGzipBytes: `<= ${BUDGET}` }, met: total <= BUDGET }));
if (total > BUDGET) process.exit(1);
