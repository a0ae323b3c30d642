import test from 'ava';
import { isoDay } from '../../../src/shared/domain/forecast/calendar.js';
import { parseSalesCsv } from '../../../src/shared/domain/forecast/sales-csv.js';
import { SalesCsvError } from '../../../src/shared/errors.js';

test('a sales CSV becomes one daily series per item, missing days zero, rows of a day added up', (t) => {
  const h = parseSalesCsv(
    ['units,item,date,price,category', '2,Pan,2025-03-01,1.5,panaderia', '1,"Leche, entera",2025-03-01,,lacteos', '3,Pan,2025-03-03,1.75,', '1,Pan,2025-03-03,1.75,', ''].join('\n'),
  );
  t.is(isoDay(h.startDay), '2025-03-01');
  t.is(h.days, 3);
  t.deepEqual(h.items.map((i) => i.name), ['Leche, entera', 'Pan']);
  const pan = h.items[1]!;
  t.deepEqual([...pan.quantity], [2, 0, 4]);
  t.deepEqual([...pan.priceCentavos], [150, 0, 175]);
  t.is(pan.category, 'panaderia');
  t.deepEqual([...h.items[0]!.quantity], [1, 0, 0]);
});

const bad: [string, string, number, RegExp][] = [
  ['unknown column', 'date,item,units,store\n2025-03-01,Pan,2,1', 1, /unknown column "store"/],
  ['missing column', 'date,item\n2025-03-01,Pan', 1, /missing column units/],
  ['unparsable date', 'date,item,units\n2025-03-01,Pan,2\n01/03/2025,Pan,2', 3, /date "01\/03\/2025"/],
  ['impossible date', 'date,item,units\n2025-02-30,Pan,2', 2, /date "2025-02-30"/],
  ['stray field', 'date,item,units\n2025-03-01,Pan,2\n2025-03-02,Pan,1,5', 3, /4 fields, the header has 3/],
  ['unparsable number', 'date,item,units\n2025-03-01,Pan,dos', 2, /units "dos" is not a number/],
  ['decimal comma', 'date,item,units\n2025-03-01,Pan,"1,5"', 2, /units "1,5" is not a number/],
  ['negative units', 'date,item,units\n2025-03-01,Pan,2\n2025-03-02,Pan,-1', 3, /units must not be negative/],
  ['bad price', 'date,item,units,price\n2025-03-01,Pan,2,$10', 2, /price "\$10"/],
  ['no rows', 'date,item,units\n', 2, /no sales rows/],
];
for (const [what, text, line, message] of bad) {
  test(`a sales CSV with ${what} is refused naming line ${line}`, (t) => {
    const err = t.throws(() => parseSalesCsv(text), { instanceOf: SalesCsvError });
    t.is(err!.line, line);
    t.regex(err!.message, new RegExp(`^line ${line}: `));
    t.regex(err!.message, message);
  });
}
