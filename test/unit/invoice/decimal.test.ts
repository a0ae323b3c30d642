import test from 'ava';
import { approxEqual, formatScaled, mulScaled, parseArDecimal, parseScaled, repairDigits } from '../../../src/shared/domain/invoice/decimal.js';

test('parseArDecimal reads the Argentine format and common variants', (t) => {
  t.is(parseArDecimal('1.234,56', 2), 123456n);
  t.is(parseArDecimal('1234,56', 2), 123456n);
  t.is(parseArDecimal('$ 178.000,00', 2), 17800000n);
  t.is(parseArDecimal('1.234', 2), 123400n, 'a lone dot followed by three digits is a thousands separator');
  t.is(parseArDecimal('10.5', 2), 1050n);
  t.is(parseArDecimal('1,234.56', 2), 123456n);
  t.is(parseArDecimal('2,350', 3), 2350n);
  t.is(parseArDecimal('21%', 2), 2100n);
  t.is(parseArDecimal('-12,5', 2), -1250n);
  t.is(parseArDecimal('0,005', 2), 1n, 'rounds half away from zero');
});

test('parseArDecimal refuses non-numbers', (t) => {
  for (const s of ['', 'abc', '1,,2', '12,', '1-2']) t.is(parseArDecimal(s, 2), null, s);
});

test('formatScaled and parseScaled round-trip exact decimals', (t) => {
  t.is(formatScaled(17800000n, 2), '178000.00');
  t.is(formatScaled(12000n, 3, { trim: true }), '12');
  t.is(formatScaled(2350n, 3, { trim: true }), '2.35');
  t.is(formatScaled(-5n, 2), '-0.05');
  t.is(parseScaled('12.5', 3), 12500n);
  t.throws(() => parseScaled('1.2345', 3));
});

test('mulScaled multiplies a quantity in thousandths by a price in centavos', (t) => {
  t.is(mulScaled(2350n, 789000n, 3), 1854150n);
  t.is(mulScaled(1n, 1n, 1), 0n);
  t.is(mulScaled(5n, 1n, 1), 1n);
});

test('approxEqual tolerates 1 % and a couple of centavos', (t) => {
  t.true(approxEqual(10000n, 10099n, 0.01));
  t.false(approxEqual(10000n, 10200n, 0.01));
  t.true(approxEqual(1n, 3n, 0.01));
});

test('repairDigits fixes letters OCR put in a number, and leaves words alone', (t) => {
  t.is(repairDigits('2O-1l111111-2'), '20-11111111-2');
  t.is(repairDigits('FACTURA'), 'FACTURA');
  t.is(repairDigits('A000101'), 'A000101');
});
