import Holidays from 'date-holidays';

/**
 * Days are handled as epoch days (whole days since 1970-01-01, UTC) so that arithmetic is
 * integer and free of time zones; ISO strings ('2025-03-04') at the edges.
 */
const MS_PER_DAY = 86_400_000;

export function epochDay(iso: string): number {
  const ms = Date.parse(`${iso.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(ms)) throw new RangeError(`not an ISO date: ${iso}`);
  return Math.round(ms / MS_PER_DAY);
}

export function isoDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Monday = 0 … Sunday = 6 (1970-01-01 was a Thursday). */
export function weekday(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

export interface CivilDate {
  year: number;
  month: number;
  dayOfMonth: number;
}

export function civil(day: number): CivilDate {
  const d = new Date(day * MS_PER_DAY);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, dayOfMonth: d.getUTCDate() };
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * `holiday`: national public holiday (feriado). `non_working`: día no laborable or tourist
 * bridge day — many offices close, shops open; demand moves like on a long weekend.
 */
export type HolidayKind = 'holiday' | 'non_working';

let calendarSource: Holidays | undefined;
const byYear = new Map<number, Map<number, HolidayKind>>();

function yearTable(year: number): Map<number, HolidayKind> {
  let table = byYear.get(year);
  if (table) return table;
  calendarSource ??= new Holidays('AR');
  table = new Map();
  for (const h of calendarSource.getHolidays(year)) {
    const day = epochDay(h.date.slice(0, 10));
    if (h.type === 'public') table.set(day, 'holiday');
    else if (h.type === 'bank' && !table.has(day)) table.set(day, 'non_working');
  }
  byYear.set(year, table);
  return table;
}

/** Argentine national holiday kind of a day, from the bundled holiday rules (works offline). */
export function holidayKind(day: number): HolidayKind | undefined {
  return yearTable(civil(day).year).get(day);
}

/** Aguinaldo (13th salary) is paid in June and December; spending rises in its second half. */
export function isAguinaldoMonth(month: number): boolean {
  return month === 6 || month === 12;
}

/** Salaries are paid in the first business days of the month. */
export function isPaydayWindow(dayOfMonth: number): boolean {
  return dayOfMonth <= 5;
}
