import test from 'ava';
import { csvField } from '../../src/shared/csv.js';

test('csvField neutralizes text a spreadsheet would run as a formula, and keeps numbers numbers', (t) => {
  t.is(csvField('=HYPERLINK("http://x","y")'), `"'=HYPERLINK(""http://x"",""y"")"`);
  t.is(csvField('+SUM(A1)'), "'+SUM(A1)");
  t.is(csvField('@cmd'), "'@cmd");
  t.is(csvField('-1+1'), "'-1+1");
  t.is(csvField('\tTAB'), "'\tTAB");
  t.is(csvField('-12.50'), '-12.50');
  t.is(csvField('+3'), '+3');
  t.is(csvField('Leche, entera'), '"Leche, entera"');
  t.is(csvField(null), '');
  t.is(csvField(1234), '1234');
});
