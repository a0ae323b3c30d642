import test from 'ava';
import { decodeBase64Loose, decodeFiscalQr, encodeFiscalQr } from '../../../src/shared/domain/invoice/fiscal-qr.js';
import { FiscalQrError } from '../../../src/shared/errors.js';

const data = {
  ver: 1, fecha: '2023-02-18', cuit: 23100588994, ptoVta: 3, tipoCmp: 11, nroCmp: 128, importe: 178000, moneda: 'PES', ctz: 1,
  tipoDocRec: 80, nroDocRec: 20111111112, tipoCodAut: 'E', codAut: 73074562345678,
};

for (const urlSafe of [false, true]) {
  for (const padding of [false, true]) {
    test(`decodeFiscalQr reads a ${urlSafe ? 'URL-safe' : 'standard'} base64 payload ${padding ? 'with' : 'without'} padding`, (t) => {
      const qr = decodeFiscalQr(encodeFiscalQr(data, { urlSafe, padding }));
      t.like(qr, { fecha: '2023-02-18', cuit: '23-10058899-4', cuitValid: true, ptoVta: 3, tipoCmp: 11, nroCmp: 128, importe: '178000.00', moneda: 'PES', tipoCodAut: 'E', codAut: '73074562345678' });
    });
  }
}

test('decodeFiscalQr picks the payload whose base64 differs between the alphabets', (t) => {
  // Bytes 0xfb 0xff encode to "+/" in standard base64 and "-_" in URL-safe base64.
  const json = JSON.stringify({ ...data, moneda: 'PES', extra: '\u00fb\u00ff~~~???>>>' });
  const std = Buffer.from(json).toString('base64');
  t.true(/[+/]/.test(std), 'the fixture must exercise + or /');
  const safe = std.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  t.is(decodeFiscalQr(`https://www.afip.gob.ar/fe/qr/?p=${std}`).nroCmp, 128);
  t.is(decodeFiscalQr(`https://www.afip.gob.ar/fe/qr/?p=${safe}`).nroCmp, 128);
  t.is(decodeFiscalQr(safe).nroCmp, 128);
});

test('decodeFiscalQr reads a URL-encoded payload and decimal amounts', (t) => {
  const b64 = Buffer.from(JSON.stringify({ ...data, importe: 1234.5 })).toString('base64');
  const qr = decodeFiscalQr(`https://www.afip.gob.ar/fe/qr/?p=${encodeURIComponent(b64)}`);
  t.is(qr.importe, '1234.50');
});

test('decodeFiscalQr flags a CUIT whose check digit is wrong', (t) => {
  t.false(decodeFiscalQr(encodeFiscalQr({ ...data, cuit: 23100588995 })).cuitValid);
});

test('decodeFiscalQr rejects what is not a fiscal QR', (t) => {
  t.throws(() => decodeFiscalQr('https://example.com/?q=1'), { instanceOf: FiscalQrError });
  t.throws(() => decodeFiscalQr(encodeFiscalQr({ ...data, tipoCmp: 999 })), { instanceOf: FiscalQrError });
  t.throws(() => decodeFiscalQr(encodeFiscalQr({ ...data, fecha: '18/02/2023' })), { instanceOf: FiscalQrError });
  t.throws(() => decodeFiscalQr('!!!not base64!!!'), { instanceOf: FiscalQrError });
  t.throws(() => decodeFiscalQr(Buffer.from('not json').toString('base64')), { instanceOf: FiscalQrError });
});

test('decodeBase64Loose decodes unpadded input of every length', (t) => {
  for (const s of ['a', 'ab', 'abc', 'abcd']) t.is(decodeBase64Loose(Buffer.from(s).toString('base64').replace(/=+$/, '')).toString(), s);
});
