import test from 'ava';
import { civil, epochDay, holidayKind, isoDay, weekday } from '../../../src/shared/domain/forecast/calendar.js';

test('epoch days round-trip ISO dates and know the weekday', (t) => {
  for (const iso of ['1970-01-01', '2024-02-29', '2025-12-31', '2026-01-01']) t.is(isoDay(epochDay(iso)), iso);
  t.is(weekday(epochDay('2025-06-02')), 0, '2025-06-02 is a Monday');
  t.is(weekday(epochDay('2025-06-08')), 6, '2025-06-08 is a Sunday');
  t.deepEqual(civil(epochDay('2024-12-18')), { year: 2024, month: 12, dayOfMonth: 18 });
});

test('Argentine fixed and movable holidays are known, ordinary days are not', (t) => {
  t.is(holidayKind(epochDay('2025-05-01')), 'holiday');
  t.is(holidayKind(epochDay('2025-07-09')), 'holiday');
  // Carnival and Good Friday move with Easter.
  t.is(holidayKind(epochDay('2024-02-12')), 'holiday');
  t.is(holidayKind(epochDay('2024-02-13')), 'holiday');
  t.is(holidayKind(epochDay('2025-03-03')), 'holiday');
  t.is(holidayKind(epochDay('2024-03-29')), 'holiday');
  t.is(holidayKind(epochDay('2025-04-18')), 'holiday');
  t.is(holidayKind(epochDay('2025-04-17')), 'non_working', 'Holy Thursday is a non-working day');
  t.is(holidayKind(epochDay('2025-03-05')), undefined);
  t.is(holidayKind(epochDay('2025-06-10')), undefined);
});
