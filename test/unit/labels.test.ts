import test from 'ava';
import { barcodeFormat, isValidEan13 } from '../../src/shared/domain/labels.js';
import { renderBarcodeSvg } from '../../src/shared/labels/barcode.js';

test('an EAN-13 is valid only with its GS1 check digit', (t) => {
  t.true(isValidEan13('7790070410139'));
  t.true(isValidEan13('4006381333931'));
  t.false(isValidEan13('7790070410130'));
  t.false(isValidEan13('779007041013'));
  t.false(isValidEan13('77900704101AB'));
});

test('a label barcode is EAN-13 when valid, Code 128 for other printable codes, none when empty', (t) => {
  t.is(barcodeFormat('7790070410139'), 'ean13');
  t.is(barcodeFormat('7790070410130'), 'code128');
  t.is(barcodeFormat('SKU-ABC-1'), 'code128');
  t.is(barcodeFormat(''), null);
  t.is(barcodeFormat(null), null);
  t.is(barcodeFormat('ñandú'), null);
});

test('barcodes render as SVG documents with bars', (t) => {
  const ean = renderBarcodeSvg('7790070410139')!;
  t.is(ean.format, 'ean13');
  t.regex(ean.svg, /^<svg [^>]*viewBox="0 0 \d+ \d+"/);
  t.regex(ean.svg, /<path [^>]*d="M/);
  const other = renderBarcodeSvg('SKU-1')!;
  t.is(other.format, 'code128');
  t.not(other.svg, ean.svg);
  t.is(renderBarcodeSvg(undefined), null);
});
