import test from 'ava';
import { cuitCheckDigit, formatCuit, isValidCuit } from '../../../src/shared/domain/invoice/cuit.js';

test('isValidCuit accepts the documented valid CUITs with and without dashes', (t) => {
  for (const c of ['20-11111111-2', '30-00000000-7', '23-10058899-4', '20111111112', '30 00000000 7']) t.true(isValidCuit(c), c);
});

test('isValidCuit rejects a wrong check digit, wrong length and letters', (t) => {
  for (const c of ['20-11111111-3', '23-10058899-5', '2011111111', '201111111120', '2O-11111111-2', '']) t.false(isValidCuit(c), c);
});

test('cuitCheckDigit maps a remainder giving 11 to 0', (t) => {
  // 30-00000000: Σ = 3·5 = 15, 15 mod 11 = 4 → 7; find a body whose sum is ≡ 0 mod 11: 11-00000000 → 1·5+1·4 = 9… use brute force.
  const body = Array.from({ length: 100 }, (_, i) => `20${String(i).padStart(8, '0')}`).find((b) => {
    const sum = [...b].reduce((a, d, i) => a + Number(d) * [5, 4, 3, 2, 7, 6, 5, 4, 3, 2][i]!, 0);
    return sum % 11 === 0;
  })!;
  t.is(cuitCheckDigit(body), 0);
  t.true(isValidCuit(`${body}0`));
});

test('cuitCheckDigit reports a remainder giving 10 as invalid, so no 11th digit makes the CUIT valid', (t) => {
  const body = Array.from({ length: 200 }, (_, i) => `20${String(i).padStart(8, '0')}`).find((b) => {
    const sum = [...b].reduce((a, d, i) => a + Number(d) * [5, 4, 3, 2, 7, 6, 5, 4, 3, 2][i]!, 0);
    return sum % 11 === 1;
  })!;
  t.is(cuitCheckDigit(body), null);
  for (let d = 0; d <= 9; d++) t.false(isValidCuit(`${body}${d}`));
});

test('formatCuit puts the dashes in place and refuses non-CUITs', (t) => {
  t.is(formatCuit('23100588994'), '23-10058899-4');
  t.throws(() => formatCuit('123'));
});
