import test from 'ava';
import { formatMoney, formatQuantity, normalizeQuantity, parseMoney, parseQuantity } from '../../src/shared/domain/quantity.js';

test('quantities parse from strings and numbers with up to 3 decimals', (t) => {
  t.is(parseQuantity('0.125'), 125n);
  t.is(parseQuantity(0.125), 125n);
  t.is(parseQuantity('-2'), -2000n);
  t.is(parseQuantity('12.5'), 12500n);
  t.is(parseQuantity('1.2345'), undefined);
  t.is(parseQuantity('abc'), undefined);
  t.is(parseQuantity(1e21), undefined);
  t.is(parseQuantity(Number.NaN), undefined);
  t.is(parseQuantity(''), undefined);
});

test('quantities format to the shortest exact decimal', (t) => {
  t.is(formatQuantity(125n), '0.125');
  t.is(formatQuantity(12000n), '12');
  t.is(formatQuantity(-3500n), '-3.5');
  t.is(formatQuantity(0n), '0');
  t.is(normalizeQuantity('12.000'), '12');
  t.is(normalizeQuantity('0.600'), '0.6');
});

test('money is integer centavos, never a float', (t) => {
  t.is(parseMoney('1234.5'), 123450);
  t.is(parseMoney(0.1 + 0.2), undefined); // 0.30000000000000004 has too many decimals
  t.is(parseMoney('-1'), undefined);
  t.is(formatMoney(123450), '1234.50');
  t.is(formatMoney(5), '0.05');
});
