/**
 * The one formatting module: every number, amount and date a person reads goes through here
 * (Intl es-AR, time zone of Buenos Aires). Amounts and quantities arrive from the API as exact
 * decimal strings ("1234.5", "0.125").
 */
import type { Unit } from '../api/views';

export const LOCALE = 'es-AR';
export const TIME_ZONE = 'America/Argentina/Buenos_Aires';

const moneyFmt = new Intl.NumberFormat(LOCALE, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const qtyFmt = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 3 });
const intFmt = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 0 });
const pctFmt = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 1, minimumFractionDigits: 1 });
const dateFmt = new Intl.DateTimeFormat(LOCALE, { timeZone: TIME_ZONE, day: '2-digit', month: '2-digit', year: 'numeric' });
const timeFmt = new Intl.DateTimeFormat(LOCALE, { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit', hour12: false });
const dayMonthFmt = new Intl.DateTimeFormat(LOCALE, { timeZone: TIME_ZONE, day: '2-digit', month: '2-digit' });

const num = (v: string | number | null | undefined) => (v === null || v === undefined || v === '' ? NaN : Number(v));

/** `$ 1.234,56` (a minus sign before the `$` when negative); `—` when unknown. */
export function formatMoney(v: string | number | null | undefined): string {
  const n = num(v);
  if (Number.isNaN(n)) return '—';
  return `${n < 0 ? '−' : ''}$ ${moneyFmt.format(Math.abs(n))}`;
}

const unitSuffix: Record<Unit, string> = { unit: 'u', kg: 'kg', l: 'l' };

const compactFmt = new Intl.NumberFormat(LOCALE, { notation: 'compact', maximumFractionDigits: 1 });
/** `$ 2,4 M` for chart axes. */
export function formatMoneyCompact(v: string | number | null | undefined): string {
  const n = num(v);
  return Number.isNaN(n) ? '—' : `$ ${compactFmt.format(n)}`;
}

/** `3 u`, `0,125 kg`, `1,5 l`. */
export function formatQuantity(v: string | number | null | undefined, unit: Unit = 'unit'): string {
  const n = num(v);
  if (Number.isNaN(n)) return '—';
  return `${qtyFmt.format(n)} ${unitSuffix[unit]}`;
}

/** A plain number with es-AR separators (`1.234,5`). */
export function formatNumber(v: string | number | null | undefined): string {
  const n = num(v);
  return Number.isNaN(n) ? '—' : qtyFmt.format(n);
}

export function formatInteger(v: number | string | null | undefined): string {
  const n = num(v);
  return Number.isNaN(n) ? '—' : intFmt.format(n);
}

/** `12,5 %` from a percentage number. */
export function formatPercent(v: string | number | null | undefined): string {
  const n = num(v);
  return Number.isNaN(n) ? '—' : `${pctFmt.format(n)} %`;
}

/** `+10,0 %` / `−3,5 %`: a change, always with its sign. */
export function formatSignedPercent(v: string | number | null | undefined): string {
  const n = num(v);
  if (Number.isNaN(n)) return '—';
  return `${n > 0 ? '+' : n < 0 ? '−' : ''}${pctFmt.format(Math.abs(n))} %`;
}

const toDate = (v: string | Date) => (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? new Date(`${v}T12:00:00-03:00`) : new Date(v));

/** `dd/mm/aaaa` in Buenos Aires time (a plain `YYYY-MM-DD` date stays that day). */
export function formatDate(v: string | Date | null | undefined): string {
  if (!v) return '—';
  const d = toDate(v);
  return Number.isNaN(d.getTime()) ? '—' : dateFmt.format(d);
}

/** `dd/mm/aaaa hh:mm`. */
export function formatDateTime(v: string | Date | null | undefined): string {
  if (!v) return '—';
  const d = toDate(v);
  return Number.isNaN(d.getTime()) ? '—' : `${dateFmt.format(d)} ${timeFmt.format(d)}`;
}

/** `dd/mm` for chart axes. */
export function formatDayMonth(v: string | Date): string {
  return dayMonthFmt.format(toDate(v));
}

/** Today's date in Buenos Aires as `YYYY-MM-DD`. */
export function todayIso(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

export const unitLabel: Record<Unit, string> = { unit: 'unidades', kg: 'kilos', l: 'litros' };

export type ParsedDecimal = { ok: true; value: string } | { ok: false; message: string };

/**
 * Reads what a person types as a quantity: `0,125`, `2`, `1.5` (a dot is taken as the decimal
 * mark when there is no comma). Returns the API's decimal string. Unit products take whole numbers.
 */
export function parseQuantityInput(text: string, unit: Unit, { allowNegative = false, allowZero = false } = {}): ParsedDecimal {
  const t = text.trim().replace(/\s/g, '');
  if (!t) return { ok: false, message: 'Ingresá una cantidad.' };
  const normalized = t.includes(',') ? t.replace(/\./g, '').replace(',', '.') : t;
  if (!/^[-+]?\d+(\.\d+)?$/.test(normalized)) return { ok: false, message: 'Escribí un número, por ejemplo 2 o 0,125.' };
  const [, dec = ''] = normalized.split('.');
  if (dec.length > 3) return { ok: false, message: 'Como máximo 3 decimales (gramos).' };
  const n = Number(normalized);
  if (unit === 'unit' && !Number.isInteger(n)) return { ok: false, message: 'Este producto se cuenta por unidades: la cantidad debe ser entera.' };
  if (n < 0 && !allowNegative) return { ok: false, message: 'La cantidad no puede ser negativa.' };
  if (n === 0 && !allowZero) return { ok: false, message: 'La cantidad no puede ser cero.' };
  return { ok: true, value: normalized.replace(/^\+/, '') };
}

/** Reads an amount in pesos: `1.234,56`, `1234.56`, `$ 950`. */
export function parseMoneyInput(text: string): ParsedDecimal {
  const t = text.trim().replace(/[$\s]/g, '');
  if (!t) return { ok: false, message: 'Ingresá un importe.' };
  const normalized = t.includes(',') ? t.replace(/\./g, '').replace(',', '.') : /^\d{1,3}(\.\d{3})+$/.test(t) ? t.replace(/\./g, '') : t;
  if (!/^\d+(\.\d{1,2})?$/.test(normalized)) return { ok: false, message: 'Escribí un importe en pesos con hasta 2 decimales, por ejemplo 1.234,56.' };
  return { ok: true, value: normalized };
}
