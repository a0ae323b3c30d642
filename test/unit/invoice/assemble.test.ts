import test from 'ava';
import { assembleExtraction } from '../../../src/shared/domain/invoice/assemble.js';
import { decodeFiscalQr, encodeFiscalQr } from '../../../src/shared/domain/invoice/fiscal-qr.js';
import { parseInvoiceText } from '../../../src/shared/domain/invoice/parse-text.js';
import { checkTotals } from '../../../src/shared/domain/invoice/cross-check.js';
import { layoutInvoice, layoutText } from '../../helpers/invoice-corpus/layout.js';
import { makeInvoiceSpec, qrJson } from '../../helpers/invoice-corpus/spec.js';

const spec = makeInvoiceSpec(7, { letter: 'A', layout: 'afip', font: 'arimo', qr: true });
const printed = () => parseInvoiceText(layoutText(layoutInvoice(spec)));

test('a QR that agrees with the printed text makes its fields the most confident, sourced qr', (t) => {
  const ex = assembleExtraction(decodeFiscalQr(encodeFiscalQr(qrJson(spec))), printed(), 'text');
  t.deepEqual(ex.methods, ['qr', 'text']);
  t.deepEqual(ex.conflicts, []);
  for (const f of ['issuerCuit', 'type', 'pointOfSale', 'number', 'issueDate', 'total', 'cae'] as const) {
    t.is(ex.fields[f]?.source, 'qr', f);
    t.true(ex.fields[f]!.confidence >= 0.99, f);
  }
  t.is(ex.fields.receiverCuit?.source, 'text', 'fields the QR lacks keep their printed source');
});

test('a QR that contradicts the printed text lowers confidence and records the conflict', (t) => {
  const agreeing = assembleExtraction(decodeFiscalQr(encodeFiscalQr(qrJson(spec))), printed(), 'text');
  const lying = assembleExtraction(decodeFiscalQr(encodeFiscalQr({ ...qrJson(spec), nroCmp: spec.number + 1 })), printed(), 'text');
  t.deepEqual(lying.conflicts, ['number']);
  t.is(lying.fields.number?.value, spec.number + 1);
  t.deepEqual(lying.fields.number?.conflict, { source: 'text', value: spec.number });
  t.true(lying.fields.number!.confidence <= 0.5);
  t.true(lying.confidence < agreeing.confidence);
});

test('a QR alone gives the header but no lines: the invoice cannot be trusted to post', (t) => {
  const ex = assembleExtraction(decodeFiscalQr(encodeFiscalQr(qrJson(spec))), null, null);
  t.is(ex.fields.total?.value, (Number(spec.total) / 100).toFixed(2));
  t.is(ex.lines.length, 0);
  t.is(ex.confidence, 0);
});

test('checkTotals adds IVA only on invoices that discriminate it', (t) => {
  t.true(checkTotals({ letter: 'A', lineAmounts: [10000n], iva: [2100n], total: 12100n }).ok);
  t.false(checkTotals({ letter: 'A', lineAmounts: [10000n], iva: [], total: 12100n }).ok);
  t.true(checkTotals({ letter: 'B', lineAmounts: [12100n], iva: [2100n], total: 12100n }).ok);
  t.true(checkTotals({ letter: 'C', lineAmounts: [5000n, 5000n], iva: [], otherTaxes: 90n, total: 10090n }).ok);
  t.true(checkTotals({ letter: 'C', lineAmounts: [10000n], iva: [], total: 10099n }).ok, 'within 1 %');
  t.false(checkTotals({ letter: 'C', lineAmounts: [10000n], iva: [], total: 10200n }).ok);
  t.false(checkTotals({ letter: 'C', lineAmounts: [10000n], iva: [] }).checked);
});
