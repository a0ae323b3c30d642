import test from 'ava';
import { applyHomography, homography } from '../../../src/workers/processors/invoice-ingest/geometry.js';
import { anchorCount, binarize, detectPage, flattenLight, flattenPage, rotateQuarter, textRowsTurn, type GrayImage } from '../../../src/workers/processors/invoice-ingest/photo.js';
import { fillFromHeader, mergeReadings, missingKeyFields } from '../../../src/workers/processors/invoice-ingest/extract.js';
import { parseInvoiceText } from '../../../src/shared/domain/invoice/parse-text.js';

/** A grey image from a function of the pixel position. */
function image(width: number, height: number, f: (x: number, y: number) => number): GrayImage {
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = f(x, y);
  return { data, width, height };
}

/** Whether (x, y) lies inside the convex quadrilateral (corners in order). */
function inside(q: { x: number; y: number }[], x: number, y: number): boolean {
  let sign = 0;
  for (let i = 0; i < 4; i++) {
    const a = q[i]!;
    const b = q[(i + 1) % 4]!;
    const c = Math.sign((b.x - a.x) * (y - a.y) - (b.y - a.y) * (x - a.x));
    if (c === 0) continue;
    if (sign === 0) sign = c;
    else if (c !== sign) return false;
  }
  return true;
}

test('homography maps four corners where asked and warps nothing else', (t) => {
  const from = [
    { x: 0, y: 0 },
    { x: 100, y: 0 },
    { x: 100, y: 140 },
    { x: 0, y: 140 },
  ];
  const to = [
    { x: 12, y: 20 },
    { x: 95, y: 8 },
    { x: 104, y: 150 },
    { x: 3, y: 131 },
  ];
  const h = homography(from, to);
  for (let i = 0; i < 4; i++) {
    const p = applyHomography(h, from[i]!);
    t.true(Math.abs(p.x - to[i]!.x) < 1e-6 && Math.abs(p.y - to[i]!.y) < 1e-6);
  }
});

test('detectPage finds a tilted sheet on a dark table, also with a shadow over one corner', (t) => {
  const sheet = [
    { x: 60, y: 40 },
    { x: 330, y: 62 },
    { x: 318, y: 440 },
    { x: 42, y: 418 },
  ];
  for (const shadow of [false, true]) {
    const img = image(400, 480, (x, y) => {
      const light = shadow && x + y < 260 ? 0.55 : 1;
      return Math.round((inside(sheet, x, y) ? 235 : 90) * light);
    });
    const found = detectPage(img);
    t.truthy(found, shadow ? 'with shadow' : 'without shadow');
    found!.forEach((p, i) => t.true(Math.hypot(p.x - sheet[i]!.x, p.y - sheet[i]!.y) < 6, `corner ${i} ${JSON.stringify(p)} vs ${JSON.stringify(sheet[i])}`));
  }
});

test('detectPage says null when the page fills the frame (a scan)', (t) => {
  t.is(detectPage(image(300, 400, (x, y) => (y % 20 < 3 && x > 30 && x < 270 ? 20 : 245))), null);
});

test('flattenPage turns the tilted sheet back into an upright rectangle of paper', (t) => {
  const sheet = [
    { x: 60, y: 40 },
    { x: 330, y: 62 },
    { x: 318, y: 440 },
    { x: 42, y: 418 },
  ];
  const img = image(400, 480, (x, y) => (inside(sheet, x, y) ? 235 : 90));
  const flat = flattenPage(img, sheet, 1000);
  let dark = 0;
  for (const v of flat.data) if (v < 150) dark++;
  // Only the anti-aliased rim may still show table.
  t.true(dark / flat.data.length < 0.02, `dark share ${dark / flat.data.length}`);
  t.true(flat.height > flat.width);
});

test('textRowsTurn tells rows of text across from rows running down, and rotateQuarter turns them', (t) => {
  // Letters fall at different places on each line, as in print.
  const rows = image(240, 320, (x, y) => (y % 16 < 4 && (x + Math.floor(y / 16) * 37) % 9 < 6 && x > 20 && x < 220 ? 0 : 255));
  t.is(textRowsTurn(rows), 0);
  const sideways = rotateQuarter(rows, 1);
  t.is(sideways.width, 320);
  t.is(textRowsTurn(sideways), 1);
  const back = rotateQuarter(sideways, 3);
  t.deepEqual([back.width, back.height], [240, 320]);
  t.deepEqual(Buffer.from(back.data), Buffer.from(rows.data));
});

test('binarize keeps ink black and paper white under a shadow that a global threshold would blacken', (t) => {
  const img = image(300, 200, (x, y) => {
    const paper = x < 150 ? 230 : 95; // right half in shadow
    return y % 20 < 3 && x % 30 < 20 ? Math.round(paper * 0.25) : paper;
  });
  const bin = binarize(img);
  const at = (x: number, y: number) => bin.data[y * bin.width + x]!;
  t.is(at(200, 10), 255, 'shadowed paper is paper');
  t.is(at(215, 41), 0, 'ink in the shadow is ink');
  t.is(at(40, 10), 255);
  t.is(at(45, 1), 0);
});

test('anchorCount counts the distinct words every invoice prints', (t) => {
  t.is(anchorCount('FACTURA\nC.U.I.T.: 30-1\nFecha de Emisión\nImporte Total: $ 10\nTOTAL'), 5);
  t.is(anchorCount('ǝɹnʇɔɐɟ lɐʇoʇ ~~ ::: 0I0'), 0);
});

test('flattenLight turns shaded paper white and keeps the ink dark on both sides of the shadow', async (t) => {
  const img = image(1200, 240, (x, y) => {
    const paper = 200 - Math.round((x / 1200) * 110); // light falls off from 200 to 90 across the page
    return y % 24 < 3 && x % 40 < 24 ? Math.round(paper * 0.3) : paper;
  });
  const even = await flattenLight(img);
  const at = (x: number, y: number) => even.data[y * even.width + x]!;
  t.true(at(1130, 12) >= 235, `shaded paper ${at(1130, 12)}`);
  t.true(at(20, 12) >= 235, `lit paper ${at(20, 12)}`);
  t.true(at(1130, 49) < 120, `ink in the shade ${at(1130, 49)}`);
  t.true(at(10, 1) < 120, `ink in the light ${at(10, 1)}`);
});

test('two readings of a page merge: the fuller one leads, fields it lacks or only guessed come from the other, less sure', (t) => {
  const first = parseInvoiceText('FACTURA\nPunto de Venta: 00002 Comp. Nro: 00000233\nCUIT: 27264211358\nFecha de Emisión: 04/02/2019\nImporte " E', 'ocr');
  t.deepEqual(missingKeyFields(first), ['type', 'total']);
  const second = parseInvoiceText('C\nFACTURA\nCOD. 11\nImporte Total: $ 1700,00', 'ocr');
  const merged = mergeReadings(first, second);
  t.deepEqual(missingKeyFields(merged), []);
  t.like(merged.fields, { type: { value: 11 }, letter: { value: 'C' }, total: { value: '1700.00' }, pointOfSale: { value: 2 }, number: { value: 233 } });
  t.true(merged.fields.total!.confidence < second.fields.total!.confidence);
  // A value both readings have is the leader's.
  const other = parseInvoiceText('FACTURA\nPunto de Venta: 00009 Comp. Nro: 00000999', 'ocr');
  t.is(mergeReadings(first, other).fields.number?.value, 233);
});

test('the header block read on its own fills only the number, type and date a reading lacks, less sure; never a CUIT', (t) => {
  const page = parseInvoiceText('VITALCROPS\nC.U.I.T.: 30-71218548-8\nI.V.A. R.Inscr. 21,00 %   8.124,22\nTOTAL:   46.811,00', 'ocr');
  t.deepEqual(missingKeyFields(page), ['type', 'pointOfSale', 'number', 'issueDate']);
  const header = parseInvoiceText('A\nN* 00010 - 00002011\nCódigo: 01\nFecha: 06/01/2024\nC.U.I.T.: 30-71733690-5', 'ocr');
  const filled = fillFromHeader(page, header);
  t.like(filled.fields, { pointOfSale: { value: 10 }, number: { value: 2011 }, type: { value: 1 }, letter: { value: 'A' }, issueDate: { value: '2024-01-06' }, issuerCuit: { value: '30-71218548-8' } });
  t.true(filled.fields.number!.confidence < header.fields.number!.confidence);
  // What the page already has stays; a CUIT only the header block shows is not taken.
  const noCuit = parseInvoiceText('Punto de Venta: 00002 Comp. Nro: 00000233\nTOTAL: 10,00', 'ocr');
  const kept = fillFromHeader(noCuit, header);
  t.is(kept.fields.number?.value, 233);
  t.is(kept.fields.issuerCuit, undefined);
});
