import test from 'ava';
import { assembleExtraction } from '../../../src/shared/domain/invoice/assemble.js';
import { OCR_CEILING, parseInvoiceText } from '../../../src/shared/domain/invoice/parse-text.js';

const AUTO_POST = 0.95;

/** An A invoice as OCR reads it (engine confidence 0.97 on every line). */
function ocrA(total: string): string[] {
  return [
    'FACTURA',
    'A',
    'COD. 01',
    'Punto de Venta: 00003   Comp. Nro: 00000097',
    'Fecha de Emisión: 31/03/2019',
    'CUIT: 20-26049762-7',
    'Cliente: ALMACEN   CUIT: 30-71733690-5',
    'Importe Neto Gravado: $ 1000,00',
    'IVA 21%: $ 210,00',
    `Importe Total: $ ${total}`,
    'CAE N°: 69137544863196',
  ];
}

const asOcr = (lines: string[]) => lines.map((text) => ({ text, confidence: 0.97 }));

test('a field read by OCR alone stays below the auto-post threshold, however sure the engine is', (t) => {
  const parsed = parseInvoiceText(asOcr(ocrA('1210,00')), 'ocr');
  for (const [name, f] of Object.entries(parsed.fields)) t.true(f.confidence <= OCR_CEILING, `${name} ${f.confidence}`);
  t.true(OCR_CEILING < AUTO_POST);
});

test('an OCR total the printed net and IVA add up to exactly is vouched for; one off by a digit is not', (t) => {
  const exact = assembleExtraction(null, parseInvoiceText(asOcr(ocrA('1210,00')), 'ocr'), 'ocr');
  t.is(exact.fields.total?.value, '1210.00');
  t.true(exact.fields.total!.confidence >= AUTO_POST);
  // 1216,00 is within the 1 % tolerance of the cross-check, but not the sum.
  const misread = assembleExtraction(null, parseInvoiceText(asOcr(ocrA('1216,00')), 'ocr'), 'ocr');
  t.is(misread.fields.total?.value, '1216.00');
  t.true(misread.fields.total!.confidence < AUTO_POST);
});

test('the letter and type come from the code under the letter box: 01 ⇒ A, 006 ⇒ B, 201 ⇒ FCE A', (t) => {
  for (const [code, letter, type] of [
    ['COD. 01', 'A', 1],
    ['COD. 006', 'B', 6],
    ['Código N° 011', 'C', 11],
    ['COD. 201', 'A', 201],
  ] as const) {
    const f = parseInvoiceText(['FACTURA', code, 'Punto de Venta: 00003   Comp. Nro: 00000097'], 'text').fields;
    t.is(f.letter?.value, letter, code);
    t.is(f.type?.value, type, code);
  }
});

test('with two CUITs and no receiver label, the issuer is a guess below the threshold even from a text layer', (t) => {
  const f = parseInvoiceText(['FACTURA', 'COD. 01', 'CUIT: 30-71733690-5', 'CUIT: 20-26049762-7'], 'text').fields;
  t.is(f.issuerCuit?.value, '30-71733690-5');
  t.true(f.issuerCuit!.confidence < AUTO_POST);
  const labelled = parseInvoiceText(['FACTURA', 'COD. 01', 'CUIT: 20-26049762-7', 'Cliente: ALMACEN   CUIT: 30-71733690-5'], 'text').fields;
  t.is(labelled.issuerCuit?.value, '20-26049762-7');
  t.true(labelled.issuerCuit!.confidence >= AUTO_POST);
});

test('real-world ways of printing the number and the total are read', (t) => {
  const cases: [string[], Record<string, unknown>][] = [
    [['FACTURA', 'Pto. Vta: 00016  Nro: 00050006'], { pointOfSale: 16, number: 50006 }],
    [['FACTURA', 'Nro: 0008   00006490'], { pointOfSale: 8, number: 6490 }],
    [['FACTURA DE VENTA', 'Número:   A-0004-00000095'], { pointOfSale: 4, number: 95 }],
    [['FACTURA', "COD. N* 01"], { letter: 'A', type: 1 }],
    [['FACTURA', 'Codigo   Cantidad   Descripción   Importe', 'SUBTOTAL   DESCUENTO   IVA 21%   TOTAL', '1000.00   0.00   210.00   1210.00'], { total: '1210.00' }],
  ];
  for (const [lines, expected] of cases) {
    const f = parseInvoiceText(lines, 'text').fields as Record<string, { value: unknown } | undefined>;
    for (const [k, v] of Object.entries(expected)) t.is(f[k]?.value, v, `${lines.join(' / ')}: ${k}`);
  }
});
