import test from 'ava';
import { tsvLines } from '../../../src/workers/processors/invoice-ingest/ocr-pool.js';

const row = (line: number, word: number, left: number, width: number, conf: number, text: string) =>
  ['5', '1', '1', '1', String(line), String(word), String(left), '100', String(width), '20', String(conf), text].join('\t');

test('tsvLines rebuilds lines in reading order and keeps wide gaps as column breaks', (t) => {
  const tsv = [
    'level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext',
    ['4', '1', '1', '1', '1', '0', '0', '100', '900', '20', '-1', ''].join('\t'),
    row(1, 2, 90, 60, 90, 'Total:'),
    row(1, 1, 10, 70, 96, 'Importe'),
    row(1, 3, 400, 80, 80, '$1.234,56'),
    row(2, 1, 10, 50, 70, 'CAE'),
    row(2, 2, 70, 5, 0, ' '),
  ].join('\n');
  const { lines, confidence } = tsvLines(tsv);
  t.deepEqual(lines.map((l) => l.text), ['Importe Total:   $1.234,56', 'CAE']);
  t.is(lines[0]!.confidence, 0.89);
  t.is(confidence, 0.84);
});
