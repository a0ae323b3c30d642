import test from 'ava';
import { formatCuit } from '../../../src/shared/domain/invoice/cuit.js';
import { formatScaled } from '../../../src/shared/domain/invoice/decimal.js';
import { isValidGtin, parseInvoiceText } from '../../../src/shared/domain/invoice/parse-text.js';
import { assembleExtraction } from '../../../src/shared/domain/invoice/assemble.js';
import { layoutInvoice, layoutText } from '../../helpers/invoice-corpus/layout.js';
import { makeInvoiceSpec } from '../../helpers/invoice-corpus/spec.js';
import { scoreHeader, scoreLines } from '../../helpers/invoice-corpus/score.js';

for (const layout of ['afip', 'distribuidora'] as const) {
  for (const letter of ['A', 'B', 'C'] as const) {
    test(`parseInvoiceText reads every header field and line of a ${layout} invoice ${letter}`, (t) => {
      for (const seed of [11, 12, 13, 14]) {
        const spec = makeInvoiceSpec(seed, { letter, layout, font: 'arimo', qr: false });
        const ex = assembleExtraction(null, parseInvoiceText(layoutText(layoutInvoice(spec))), 'text');
        t.deepEqual(scoreHeader(spec, ex).filter((f) => !f.ok), [], `seed ${seed}`);
        t.is(scoreLines(spec, ex).f1, 1, `seed ${seed}`);
        t.true(ex.totalsCheck.ok, `seed ${seed}`);
        const iva = Object.fromEntries(Object.entries(spec.iva).map(([r, v]) => [r, formatScaled(v!, 2)]));
        t.deepEqual(ex.fields.iva?.value ?? {}, iva);
        t.true(ex.confidence > 0.9);
      }
    });
  }
}

const ocrLike = `
DISTRIBUIDORA DEL PLATA S.A.     A    FACTURA
COD. 001
Razón Social: DISTRIBUIDORA DEL PLATA S.A.    Punto de Venta: 00003 Comp. Nro: 00000128
Fecha de Emisi6n: 18/02/2023
CUIT: 3O-00000O00-7
CUIT: 20111111112   Apellido y Nombre / Razón Social: ALMACEN DON JOSE
Código Producto / Servicio Cantidad U. Medida Precio Unit. % Bonif Subtotal Alíc. IVA Subtotal c/IVA
7790100000002 YERBA PLAYADITO 1KG X10 2,00 unidades 42500,00 0,00 85000,00 10,5% 93925,00
A000113 QUESO CREMOSO HORMA KG 2,350 kilogramos 7890,00 0,00 18541,50 21% 22435,22
Importe Neto Gravado: $ 103541,50
IVA 21%: $ 3893,72
IVA 10.5%: $ 8925,00
Percepción IIBB 3106,25   Importe Otros Tributos: $ 3106,25
Importe Total: $ 119466,47
CAE N°: 73074562345678
Fecha de Vto. de CAE: 28/02/2023
`;

test('parseInvoiceText repairs OCR look-alike digits, reads kg quantities and two-column totals', (t) => {
  const p = parseInvoiceText(ocrLike, 'ocr');
  t.is(p.fields.issuerCuit?.value, '30-00000000-7');
  t.is(p.fields.receiverCuit?.value, '20-11111111-2');
  t.is(p.fields.letter?.value, 'A');
  t.is(p.fields.type?.value, 1);
  t.is(p.fields.pointOfSale?.value, 3);
  t.is(p.fields.number?.value, 128);
  t.is(p.fields.cae?.value, '73074562345678');
  t.is(p.fields.caeDueDate?.value, '2023-02-28');
  t.is(p.fields.otherTaxes?.value, '3106.25');
  t.deepEqual(p.otherTaxesDetail, [{ label: 'Percepción IIBB', amount: '3106.25' }]);
  t.deepEqual(p.fields.iva?.value, { '21': '3893.72', '10.5': '8925.00' });
  t.is(p.lines.length, 2);
  t.like(p.lines[0], { barcode: '7790100000002', code: null, quantity: '2', unitPrice: '42500.00', ivaRate: '10.5', amount: '85000.00', arithmeticOk: true });
  t.like(p.lines[1], { code: 'A000113', barcode: null, quantity: '2.35', unit: 'kg', unitPrice: '7890.00', ivaRate: '21', amount: '18541.50' });
  const ex = assembleExtraction(null, p, 'ocr');
  t.true(ex.totalsCheck.ok);
  t.true(p.fields.issuerCuit!.confidence <= 0.95, 'OCR never claims more than its ceiling');
});

test('a CUIT with a wrong check digit keeps its value but loses confidence', (t) => {
  const good = parseInvoiceText('C.U.I.T.: 30-00000000-7', 'text').fields.issuerCuit!;
  const bad = parseInvoiceText('C.U.I.T.: 30-00000000-8', 'text').fields.issuerCuit!;
  t.is(bad.value, '30-00000000-8');
  t.true(bad.confidence < 0.5);
  t.true(good.confidence > 0.9);
});

test('a total that does not match the lines and taxes fails the cross-check and lowers confidence', (t) => {
  const spec = makeInvoiceSpec(21, { letter: 'A', layout: 'afip', font: 'arimo', qr: false });
  const lines = layoutText(layoutInvoice(spec));
  const good = assembleExtraction(null, parseInvoiceText(lines), 'text');
  const wrongTotal = `$ ${(Number(spec.total / 100n) * 2).toString()},00`;
  const tampered = lines.map((l) => (l.startsWith('Importe Total') ? `Importe Total:   ${wrongTotal}` : l));
  const bad = assembleExtraction(null, parseInvoiceText(tampered), 'text');
  t.true(good.totalsCheck.ok);
  t.false(bad.totalsCheck.ok);
  t.true(bad.confidence < good.confidence * 0.8);
});

test('the informative IVA contained in a B invoice (Ley 27.743) is not added to the totals', (t) => {
  const spec = makeInvoiceSpec(31, { letter: 'B', layout: 'afip', font: 'arimo', qr: false });
  const ex = assembleExtraction(null, parseInvoiceText(layoutText(layoutInvoice(spec))), 'text');
  t.not(spec.ivaContained, null);
  t.is(ex.fields.iva, undefined);
  t.true(ex.totalsCheck.ok);
});

test('a nota de crédito B is typed 8 from its words and letter when no code is printed', (t) => {
  const p = parseInvoiceText('NOTA DE CRÉDITO   B\nN° 0002-00000045\nFecha: 01-03-2024\nC.U.I.T.: 30-00000000-7', 'text');
  t.is(p.fields.type?.value, 8);
  t.is(p.fields.letter?.value, 'B');
  t.is(p.fields.issueDate?.value, '2024-03-01');
  t.is(p.fields.pointOfSale?.value, 2);
  t.is(p.fields.number?.value, 45);
});

test('dates that are not on the calendar are not taken as the issue date', (t) => {
  t.is(parseInvoiceText('Fecha de Emisión: 31/02/2024', 'text').fields.issueDate, undefined);
});

test('isValidGtin checks EAN-13 and EAN-8 check digits', (t) => {
  t.true(isValidGtin('7790100000002'));
  t.false(isValidGtin('7790100000003'));
  t.true(isValidGtin('96385074'));
  t.false(isValidGtin('A000101'));
});

test('header fields come out formatted: CUIT with dashes, dates ISO', (t) => {
  const spec = makeInvoiceSpec(5, { letter: 'C', layout: 'afip', font: 'arimo', qr: false });
  const p = parseInvoiceText(layoutText(layoutInvoice(spec)));
  t.is(p.fields.issuerCuit?.value, formatCuit(spec.issuer.cuit));
  t.regex(p.fields.issueDate!.value, /^\d{4}-\d{2}-\d{2}$/);
});

test('an amount OCR split at its decimal comma is glued back together', (t) => {
  const text = `Código Producto / Servicio Cantidad U. Medida Precio Unit. % Bonif Imp. Bonif. Subtotal
A000116 DULCE DE LECHE SERENISIMA 400G X12 10,00 unidades 20640,00 0,00 0,00 206400, 00
Subtotal: $ 206400,00`;
  const p = parseInvoiceText(text, 'ocr');
  t.like(p.lines[0], { quantity: '10', unitPrice: '20640.00', amount: '206400.00', arithmeticOk: true });
});

test('with neither letter nor code legible, the letter is inferred from the page with low confidence', (t) => {
  const c = parseInvoiceText('FACTURA\nCondición frente al IVA: Responsable Monotributo\nSubtotal: $ 100,00\nImporte Total: $ 100,00', 'ocr');
  t.like(c.fields.letter, { value: 'C', confidence: 0.5 });
  t.is(c.fields.type?.value, 11);
  const a = parseInvoiceText('FACTURA\nCondición frente al IVA: IVA Responsable Inscripto\nImporte Neto Gravado: $ 100,00\nIVA 21%: $ 21,00\nImporte Total: $ 121,00', 'ocr');
  t.is(a.fields.letter?.value, 'A');
  const b = parseInvoiceText('FACTURA\nIVA Responsable Inscripto\nCliente: X   Cond. IVA: Responsable Monotributo\nTOTAL $ 121,00', 'ocr');
  t.is(b.fields.letter?.value, 'B');
});

test('OCR slips around the letter, code and number are read through: letter before the word, in the number, code in box lines, N° read as 2', (t) => {
  t.is(parseInvoiceText('LOGISTICA NORTE SRL   A FACTURA\nN* 0027-00029691', 'ocr').fields.type?.value, 1);
  t.is(parseInvoiceText('ES.A. B FACTURA\nN* 0007-00096615', 'ocr').fields.type?.value, 6);
  const inNumber = parseInvoiceText('FACTURA DE VENTA\nNúmero: A-0002-00028001', 'ocr').fields;
  t.like(inNumber, { type: { value: 1 }, pointOfSale: { value: 2 }, number: { value: 28001 } });
  const fce = parseInvoiceText('FACTURA DE CRÉDITO\nELECTRÓNICA MiPyMEs (FCE)\nCcoD| 201', 'ocr').fields;
  t.is(fce.type?.value, 201);
  t.is(parseInvoiceText('FACTURA DE CRÉDITO ELECTRÓNICA MiPyMEs (FCE)\nA', 'ocr').fields.type?.value, 201);
  t.is(parseInvoiceText('A FACTURA\n:   con. 006', 'ocr').fields.type?.value, 6);
  const glued = parseInvoiceText('VILLA, MATIAS   A   FACTURA A N200003-00000438', 'ocr').fields;
  t.like(glued, { pointOfSale: { value: 3 }, number: { value: 438 } });
  t.true(glued.number!.confidence < 0.9);
  t.like(parseInvoiceText('—T — PuntodeVenta: 00002 Comp. Nro: 00000233 |', 'ocr').fields, { pointOfSale: { value: 2 }, number: { value: 233 } });
});

test('labelled numbers in the shapes real invoices print: point of sale not padded, both parts glued; a CUIT after N° is not a number', (t) => {
  t.like(parseInvoiceText('Factura\nA   Comp. Nro: 3-00000089\nCódigo 01', 'text').fields, { pointOfSale: { value: 3 }, number: { value: 89 } });
  t.like(parseInvoiceText('Factura de Venta\nN° 000800059501\nA', 'ocr').fields, { pointOfSale: { value: 8 }, number: { value: 59501 } });
  t.like(parseInvoiceText('Factura de Venta\nA   N* 000800059501', 'ocr').fields, { pointOfSale: { value: 8 }, number: { value: 59501 } });
  const cuit = parseInvoiceText('FACTURA\nCUIT N° 20-21115280-0', 'ocr').fields;
  t.is(cuit.pointOfSale, undefined);
  t.is(cuit.number, undefined);
});

test('the letter inferred from the page reads IVA rates as OCR prints them: 10,50 % and I.V.A. read as LV.A.', (t) => {
  t.is(parseInvoiceText('Factura\nGravado   $ 44.252,49\nI.V.A. 10,50%   $ 4.646,51\nTotal $ 48.899,00', 'ocr').fields.type?.value, 1);
  t.is(parseInvoiceText('FACTURA\nSubtotal: 38.686,78\nLV.A. R.Inscr. 21,00 %   8.124,22\nTOTAL: 46.811,00', 'ocr').fields.type?.value, 1);
  t.is(parseInvoiceText('FACTURA\nDetalle IVA: 21.00%: $5.050,41   IVA INSCRIPTO:   5.050,41', 'ocr').fields.type?.value, 1);
  // Words ending in l before `va` are not I.V.A.
  t.is(parseInvoiceText('FACTURA\nNivel va 21 % 100\nTOTAL: 100,00', 'ocr').fields.type?.value, 6);
});

test('a quantity total is not the invoice total; a total that lost its decimals keeps its pesos', (t) => {
  const p = parseInvoiceText('FACTURA\nCantidad total: 1,00   Devoluciones:   SUBTOTAL:   21.487,60\nTOTAL: — 26.000,', 'ocr');
  t.is(p.fields.total?.value, '26000.00');
});

test('the amount in words fills a missing total, and lowers a printed total it contradicts', (t) => {
  const words = parseInvoiceText('FACTURA A\nSUBTOTAL: 11.717,36\nIVA 21%: 2.460,64\nSon pesos: catorce mil ciento setenta y ocho.-', 'ocr');
  t.is(words.fields.total?.value, '14178.00');
  t.true(words.fields.total!.confidence < 0.9);
  const cents = parseInvoiceText('SON PESOS: DOSCIENTOS OCHENTA Y NUEVE MIL DOSCIENTOS CON 50/100\nTOTAL: $ 289.200,50', 'ocr');
  t.is(cents.fields.total?.value, '289200.50');
  t.true(cents.fields.total!.confidence > 0.5);
  const wrong = parseInvoiceText('SON PESOS: DOSCIENTOS OCHENTA Y NUEVE MIL DOSCIENTOS CON 00/100\nTOTAL: $ 280.200,00', 'ocr');
  t.true(wrong.fields.total!.confidence <= 0.4);
  // A misread word voids the reading instead of changing the number.
  t.true((parseInvoiceText('SON PESOS OSO HEN TOS\nTOTAL: $ 12,00', 'ocr').fields.total?.confidence ?? 0) > 0.4);
  // The cents as real invoices print them, and a dash OCR put after the colon.
  t.is(parseInvoiceText('FACTURA\nSon Pesos cuarenta y dos mil quinientos con cero/cien', 'ocr').fields.total?.value, '42500.00');
  t.is(parseInvoiceText('FACTURA\nSon Pesos NUEVE MIL SETENTA Y CINCO con CERO.', 'ocr').fields.total?.value, '9075.00');
  t.is(parseInvoiceText('FACTURA\nSon pesos: — veintinueve mil cien.-', 'ocr').fields.total?.value, '29100.00');
});

test('a total worked out from net and IVA stays below auto-post even though it adds up', (t) => {
  const p = parseInvoiceText('FACTURA A\nSubtotal Gravado   $ 15.619,83\nIVA 21%   $ 3.280,17\ngo: E   LJ Eee', 'ocr');
  t.is(p.fields.total?.value, '18900.00');
  t.true(p.totalDerived);
  const ex = assembleExtraction(null, p, 'ocr');
  t.true(ex.fields.total!.confidence <= 0.5);
  const c = parseInvoiceText('FACTURA\nC\nCOD. 11\nSubtotal: $   1700,00 |\nImporte " E', 'ocr');
  t.is(c.fields.total?.value, '1700.00');
});
