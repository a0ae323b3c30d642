import test from 'ava';
import { extractPackSize, normalizeDescription } from '../../../src/shared/domain/invoice/normalize.js';

test('normalizeDescription folds case, accents, punctuation and unit spellings', (t) => {
  t.is(normalizeDescription('Aceite Girasol  NATURA 1,5 Lt.'), 'aceite girasol natura 1.5l');
  t.is(normalizeDescription('Azúcar LEDESMA 1 KG'), 'azucar ledesma 1kg');
  t.is(normalizeDescription('CERVEZA QUILMES LATA 473CC'), 'cerveza quilmes lata 473ml');
  t.is(normalizeDescription('Café-molido (250 GRS)'), 'cafe molido 250g');
});

test('extractPackSize finds x12, pack and leading 12 x forms', (t) => {
  t.deepEqual(extractPackSize('YERBA PLAYADITO 1KG X10'), { units: 10, description: 'yerba playadito 1kg' });
  t.is(extractPackSize('Gaseosa cola x 6 u').units, 6);
  t.is(extractPackSize('Pack 24 latas cerveza').units, 24);
  t.is(extractPackSize('Caja x 12 un alfajores').units, 12);
  t.is(extractPackSize('12 x 1,5 L agua').units, 12);
});

test('extractPackSize does not take a content size for a pack', (t) => {
  t.is(extractPackSize('Yerba x 500 g').units, 1);
  t.is(extractPackSize('Queso cremoso x1 kg').units, 1);
  t.is(extractPackSize('Leche entera 1 l').units, 1);
});
