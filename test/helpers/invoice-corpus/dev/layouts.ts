/**
 * Development corpus layouts modelled on the kinds of invoices a mini market receives: the
 * tax agency's own online form, ERP printouts with a logo, pre-printed forms filled by a dot
 * matrix printer, half-page landscape forms, credit-invoice (FCE) forms, monotributo invoices.
 * Each varies how the letter box, number, dates, CUITs and totals are printed, the number format
 * (`.` or `,` thousands) and whether the total is also written in words.
 */
import { encodeFiscalQr } from '../../../../src/shared/domain/invoice/fiscal-qr.js';
import type { IvaRate } from '../../../../src/shared/domain/invoice/voucher-types.js';
import { qrJson, type FontFamily, type InvoiceSpec } from '../spec.js';

export type DevOp =
  | { kind: 'text'; x: number; y: number; text: string; size: number; bold: boolean; align: 'left' | 'right' | 'center'; gray?: number }
  | { kind: 'rect'; x: number; y: number; w: number; h: number; fill?: string; stroke?: number }
  | { kind: 'line'; x1: number; y1: number; x2: number; y2: number; width: number }
  | { kind: 'logo'; x: number; y: number; r: number; initials: string; shape: 'circle' | 'diamond' }
  | { kind: 'qr'; x: number; y: number; size: number; data: string };

export interface DevPage {
  width: number;
  height: number;
  ops: DevOp[];
}

export const DEV_LAYOUTS = [
  'arca-online',
  'arca-fce',
  'erp-logo',
  'mayorista-words',
  'landscape-half',
  'dot-matrix',
  'us-decimal',
  'grid-right-box',
  'monotributo-c',
  'distribuidora-dark',
] as const;
export type DevLayout = (typeof DEV_LAYOUTS)[number];

/** The font each layout prints with (pre-printed forms filled by impact printers look monospaced). */
export const LAYOUT_FONT: Record<DevLayout, FontFamily> = {
  'arca-online': 'arimo',
  'arca-fce': 'dejavu-sans',
  'erp-logo': 'arimo',
  'mayorista-words': 'tinos',
  'landscape-half': 'dejavu-sans',
  'dot-matrix': 'cousine',
  'us-decimal': 'dejavu-serif',
  'grid-right-box': 'arimo',
  'monotributo-c': 'tinos',
  'distribuidora-dark': 'dejavu-mono',
};

/** Which letters a layout is printed with (a monotributo form is always C, the FCE form A). */
export const LAYOUT_LETTERS: Record<DevLayout, readonly ('A' | 'B' | 'C')[]> = {
  'arca-online': ['A', 'B', 'C'],
  'arca-fce': ['A'],
  'erp-logo': ['A', 'B'],
  'mayorista-words': ['A', 'B'],
  'landscape-half': ['A', 'B', 'C'],
  'dot-matrix': ['A', 'B'],
  'us-decimal': ['A', 'B'],
  'grid-right-box': ['A', 'B'],
  'monotributo-c': ['C'],
  'distribuidora-dark': ['A', 'B'],
};

interface Fmt {
  thousands: '.' | ',' | '';
  decimal: ',' | '.';
}

export function fmtMoney(cents: bigint, f: Fmt): string {
  const neg = cents < 0n;
  const abs = neg ? -cents : cents;
  let int = (abs / 100n).toString();
  if (f.thousands) int = int.replace(/\B(?=(\d{3})+(?!\d))/g, f.thousands);
  return `${neg ? '-' : ''}${int}${f.decimal}${(abs % 100n).toString().padStart(2, '0')}`;
}

const UNITS = ['', 'UNO', 'DOS', 'TRES', 'CUATRO', 'CINCO', 'SEIS', 'SIETE', 'OCHO', 'NUEVE', 'DIEZ', 'ONCE', 'DOCE', 'TRECE', 'CATORCE', 'QUINCE', 'DIECISEIS', 'DIECISIETE', 'DIECIOCHO', 'DIECINUEVE', 'VEINTE'];
const TENS = ['', '', 'VEINTI', 'TREINTA', 'CUARENTA', 'CINCUENTA', 'SESENTA', 'SETENTA', 'OCHENTA', 'NOVENTA'];
const HUNDREDS = ['', 'CIENTO', 'DOSCIENTOS', 'TRESCIENTOS', 'CUATROCIENTOS', 'QUINIENTOS', 'SEISCIENTOS', 'SETECIENTOS', 'OCHOCIENTOS', 'NOVECIENTOS'];

function below1000(n: number): string {
  if (n === 100) return 'CIEN';
  const h = Math.floor(n / 100);
  const r = n % 100;
  let s = HUNDREDS[h]!;
  if (r) {
    let t: string;
    if (r <= 20) t = UNITS[r]!;
    else if (r < 30) t = `VEINTI${UNITS[r - 20]}`;
    else t = `${TENS[Math.floor(r / 10)]}${r % 10 ? ` Y ${UNITS[r % 10]}` : ''}`;
    s = s ? `${s} ${t}` : t;
  }
  return s;
}

/** `123456` → `CIENTO VEINTITRES MIL CUATROCIENTOS CINCUENTA Y SEIS` (how totals are written in words). */
export function numberInWords(n: number): string {
  if (n === 0) return 'CERO';
  const millions = Math.floor(n / 1_000_000);
  const thousands = Math.floor((n % 1_000_000) / 1000);
  const rest = n % 1000;
  const parts: string[] = [];
  if (millions) parts.push(millions === 1 ? 'UN MILLON' : `${below1000(millions)} MILLONES`);
  if (thousands) parts.push(thousands === 1 ? 'MIL' : `${below1000(thousands)} MIL`);
  if (rest) parts.push(below1000(rest));
  return parts.join(' ').replace(/UNO MIL/g, 'UN MIL').replace(/UNO MILLONES/g, 'UN MILLONES');
}

class Builder {
  ops: DevOp[] = [];
  text(x: number, y: number, text: string, size = 8, bold = false, align: 'left' | 'right' | 'center' = 'left', gray?: number) {
    this.ops.push({ kind: 'text', x, y, text, size, bold, align, ...(gray !== undefined ? { gray } : {}) });
  }
  rect(x: number, y: number, w: number, h: number, fill?: string, stroke = 0.8) {
    this.ops.push({ kind: 'rect', x, y, w, h, stroke, ...(fill ? { fill } : {}) });
  }
  line(x1: number, y1: number, x2: number, y2: number, width = 0.6) {
    this.ops.push({ kind: 'line', x1, y1, x2, y2, width });
  }
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');
const dmy = (iso: string, sep = '/', shortYear = false) => {
  const [y, m, d] = iso.split('-');
  return `${d}${sep}${m}${sep}${shortYear ? y!.slice(2) : y}`;
};
const cuitDash = (c: string) => `${c.slice(0, 2)}-${c.slice(2, 10)}-${c.slice(10)}`;
const rate = (r: IvaRate, f: Fmt) => (f.decimal === ',' ? r.replace('.', ',') : r);
const qty = (t: bigint, f: Fmt) => {
  const int = t / 1000n;
  const frac = t % 1000n;
  return frac === 0n ? `${int}` : `${int}${f.decimal}${frac.toString().padStart(3, '0')}`;
};
const title = (spec: InvoiceSpec) => (spec.type >= 201 ? 'FACTURA DE CREDITO ELECTRONICA MiPyMEs (FCE)' : 'FACTURA');

function qr(spec: InvoiceSpec): string | null {
  return spec.qr ? encodeFiscalQr(qrJson(spec), spec.qr) : null;
}

interface TableOpts {
  x0: number;
  x1: number;
  y: number;
  size: number;
  fmt: Fmt;
  grid: boolean;
  rowH: number;
  withIva: boolean;
  headerFill?: string;
}

/** The items table; returns the y below it. */
function table(b: Builder, spec: InvoiceSpec, o: TableOpts): number {
  const w = o.x1 - o.x0;
  const col = { qty: o.x0 + w * 0.09, code: o.x0 + w * 0.11, desc: o.x0 + w * 0.26, price: o.x0 + w * (o.withIva ? 0.74 : 0.8), iva: o.x0 + w * 0.83, amount: o.x1 - 4 };
  b.rect(o.x0, o.y - o.size - 3, w, o.size + 7, o.headerFill);
  b.text(col.qty, o.y, 'Cant.', o.size, true, 'right');
  b.text(col.code, o.y, 'Código', o.size, true);
  b.text(col.desc, o.y, 'Descripción', o.size, true);
  b.text(col.price, o.y, 'P. Unitario', o.size, true, 'right');
  if (o.withIva) b.text(col.iva, o.y, 'IVA %', o.size, true, 'right');
  b.text(col.amount, o.y, 'Importe', o.size, true, 'right');
  let y = o.y + o.rowH;
  for (const l of spec.lines) {
    b.text(col.qty, y, qty(l.quantity, o.fmt), o.size, false, 'right');
    b.text(col.code, y, l.barcode ?? l.code ?? '', o.size);
    b.text(col.desc, y, l.description, o.size);
    b.text(col.price, y, fmtMoney(l.unitPrice, o.fmt), o.size, false, 'right');
    if (o.withIva) b.text(col.iva, y, rate(l.ivaRate ?? '21', o.fmt), o.size, false, 'right');
    b.text(col.amount, y, fmtMoney(l.amount, o.fmt), o.size, false, 'right');
    if (o.grid) b.line(o.x0, y + 4, o.x1, y + 4, 0.4);
    y += o.rowH;
  }
  if (o.grid) for (const x of [o.x0, col.code - 3, col.desc - 3, col.price - w * 0.1, o.x1]) b.line(x, o.y - o.size - 3, x, y - o.rowH + 4, 0.4);
  return y;
}

interface TotalsOpts {
  xLabel: number;
  xValue: number;
  y: number;
  size: number;
  fmt: Fmt;
  netLabel: string;
  ivaLabel: (r: string) => string;
  totalLabel: string;
  dollar: boolean;
  step: number;
}

/** Net, IVA per rate (A), other taxes, total; returns the y below. */
function totals(b: Builder, spec: InvoiceSpec, o: TotalsOpts): number {
  let y = o.y;
  const row = (label: string, v: bigint, big = false) => {
    b.text(o.xLabel, y, label, big ? o.size + 2 : o.size, true, 'right');
    b.text(o.xValue, y, `${o.dollar ? '$ ' : ''}${fmtMoney(v, o.fmt)}`, big ? o.size + 2 : o.size, true, 'right');
    y += big ? o.step + 3 : o.step;
  };
  if (spec.letter === 'A') {
    row(o.netLabel, spec.net);
    for (const [r, v] of Object.entries(spec.iva)) row(o.ivaLabel(rate(r as IvaRate, o.fmt)), v!);
    for (const t of spec.otherTaxes) row(t.label, t.amount);
  } else {
    row('Subtotal', spec.net);
  }
  row(o.totalLabel, spec.total, true);
  return y;
}

function words(spec: InvoiceSpec): string {
  const pesos = Number(spec.total / 100n);
  const cents = Number(spec.total % 100n);
  return `SON PESOS: ${numberInWords(pesos)} CON ${pad(cents, 2)}/100`;
}

function letterBox(b: Builder, cx: number, top: number, spec: InvoiceSpec, code: string, size = 40) {
  b.rect(cx - size / 2, top, size, size, '#ffffff', 1.2);
  b.text(cx, top + size * 0.72, spec.letter, size * 0.66, true, 'center');
  b.text(cx, top + size + 9, code, 7, true, 'center');
}

function arcaOnline(spec: InvoiceSpec, fce: boolean): DevPage {
  const b = new Builder();
  const W = 595;
  const L = 28;
  const R = W - 28;
  const fmt: Fmt = { thousands: fce ? '.' : '', decimal: ',' };
  b.text(W / 2, 38, 'ORIGINAL', 10, true, 'center');
  b.rect(L, 46, R - L, 134);
  b.line(W / 2, 88, W / 2, 180);
  b.text(40, 76, spec.issuer.name, 12, true);
  letterBox(b, W / 2, 46, spec, `COD. ${pad(spec.type, fce ? 3 : 2)}`);
  b.text(330, 70, fce ? 'FACTURA DE CRÉDITO' : 'FACTURA', fce ? 11 : 16, true);
  if (fce) b.text(330, 82, 'ELECTRÓNICA MiPyMEs (FCE)', 9, true);
  b.text(40, 112, `Razón Social: ${spec.issuer.name}`);
  b.text(330, 108, `Punto de Venta: ${pad(spec.pointOfSale, 5)}    Comp. Nro: ${pad(spec.number, 8)}`, 8, true);
  b.text(40, 128, `Domicilio Comercial: ${spec.issuer.address}`);
  b.text(330, 124, `Fecha de Emisión: ${dmy(spec.issueDate)}`, 8, true);
  b.text(40, 144, `Condición frente al IVA: ${spec.issuer.ivaCondition}`);
  b.text(330, 142, `CUIT: ${spec.issuer.cuit}`);
  b.text(330, 156, `Ingresos Brutos: ${spec.issuer.iibb}`);
  b.text(330, 170, `Fecha de Inicio de Actividades: ${spec.issuer.startDate}`);
  b.rect(L, 184, R - L, 18);
  b.text(40, 196, `Período Facturado Desde: ${dmy(spec.issueDate)}   Hasta: ${dmy(spec.issueDate)}   Fecha de Vto. para el pago: ${dmy(spec.caeDueDate)}`, 7.5);
  b.rect(L, 206, R - L, 46);
  b.text(40, 220, `CUIT: ${spec.receiver.cuit}`, 8, true);
  b.text(190, 220, `Apellido y Nombre / Razón Social: ${spec.receiver.name}`);
  b.text(40, 235, `Condición frente al IVA: ${spec.receiver.ivaCondition}`);
  b.text(300, 235, `Domicilio: ${spec.receiver.address}`);
  if (fce) b.text(40, 248, `CBU del Emisor: 0110${pad(spec.number, 9)}0000${pad(spec.pointOfSale, 5)}`, 7);
  const y = table(b, spec, { x0: L, x1: R, y: 272, size: 7.5, fmt, grid: false, rowH: 15, withIva: spec.letter === 'A', headerFill: '#d9d9d9' });
  b.rect(L, Math.max(y + 10, 590), R - L, 110);
  totals(b, spec, { xLabel: 470, xValue: R - 6, y: Math.max(y + 26, 606), size: 8, fmt, netLabel: 'Importe Neto Gravado: $', ivaLabel: (r) => `IVA ${r}%: $`, totalLabel: 'Importe Total: $', dollar: false, step: 14 });
  const code = qr(spec);
  if (code) b.ops.push({ kind: 'qr', x: 34, y: 730, size: 76, data: code });
  b.text(120, 770, 'Comprobante Autorizado', 9, true);
  b.text(R - 160, 756, `CAE N°: ${spec.cae}`, 9, true);
  b.text(R - 160, 772, `Fecha de Vto. de CAE: ${dmy(spec.caeDueDate)}`, 9, true);
  b.text(W / 2, 820, 'Pág. 1/1', 8, false, 'center');
  return { width: W, height: 842, ops: b.ops };
}

function erpLogo(spec: InvoiceSpec): DevPage {
  const b = new Builder();
  const W = 595;
  const L = 36;
  const R = W - 36;
  const fmt: Fmt = { thousands: '.', decimal: ',' };
  b.ops.push({ kind: 'logo', x: 70, y: 70, r: 30, initials: spec.issuer.name.slice(0, 2), shape: 'circle' });
  b.text(110, 60, spec.issuer.name, 13, true);
  b.text(110, 76, spec.issuer.address, 8);
  b.text(110, 89, `Tel. (011) 4${pad(spec.number % 1000, 3)}-${pad(spec.pointOfSale * 97, 4)}`, 8);
  b.text(110, 102, spec.issuer.ivaCondition, 8);
  letterBox(b, 330, 40, spec, `Código ${pad(spec.type, 2)}`, 44);
  b.text(R, 58, title(spec), 15, true, 'right');
  b.text(R, 78, `Nº ${pad(spec.pointOfSale, 4)}-${pad(spec.number, 8)}`, 11, true, 'right');
  b.text(R, 94, `Fecha: ${dmy(spec.issueDate)}`, 10, false, 'right');
  b.text(R, 110, `C.U.I.T.: ${cuitDash(spec.issuer.cuit)}`, 9, false, 'right');
  b.text(R, 123, `Ing. Brutos: ${spec.issuer.iibb}`, 8, false, 'right');
  b.line(L, 134, R, 134, 1.2);
  b.text(L, 150, `Señor(es): ${spec.receiver.name}`, 9);
  b.text(L, 164, `Domicilio: ${spec.receiver.address}`, 9);
  b.text(340, 150, `CUIT: ${cuitDash(spec.receiver.cuit)}`, 9);
  b.text(340, 164, `IVA: ${spec.receiver.ivaCondition}`, 9);
  b.line(L, 174, R, 174, 1.2);
  const y = table(b, spec, { x0: L, x1: R, y: 196, size: 9, fmt, grid: false, rowH: 18, withIva: spec.letter === 'A', headerFill: '#eeeeee' });
  totals(b, spec, { xLabel: 440, xValue: R, y: Math.max(y + 30, 560), size: 10, fmt, netLabel: 'Neto Gravado', ivaLabel: (r) => `IVA ${r} %`, totalLabel: 'TOTAL $', dollar: false, step: 17 });
  const code = qr(spec);
  if (code) b.ops.push({ kind: 'qr', x: R - 82, y: 740, size: 82, data: code });
  b.text(L, 760, `CAE: ${spec.cae}`, 10, true);
  b.text(L, 776, `Vto. CAE: ${dmy(spec.caeDueDate)}`, 10);
  return { width: W, height: 842, ops: b.ops };
}

function mayoristaWords(spec: InvoiceSpec): DevPage {
  const b = new Builder();
  const W = 595;
  const L = 30;
  const R = W - 30;
  const fmt: Fmt = { thousands: '.', decimal: ',' };
  b.ops.push({ kind: 'logo', x: 60, y: 62, r: 26, initials: spec.issuer.name.slice(0, 1), shape: 'diamond' });
  b.text(96, 56, spec.issuer.name, 14, true);
  b.text(96, 72, 'Venta mayorista de alimentos y bebidas', 8);
  b.text(96, 86, spec.issuer.address, 8);
  b.rect(L, 100, R - L, 64);
  letterBox(b, W / 2, 100, spec, `COD. N° ${pad(spec.type, 2)}`, 36);
  b.text(L + 8, 118, `CUIT: ${spec.issuer.cuit}`, 9);
  b.text(L + 8, 132, `IIBB: ${spec.issuer.iibb}`, 9);
  b.text(L + 8, 146, `Inicio Act.: ${spec.issuer.startDate}`, 9);
  b.text(R - 8, 118, `FACTURA   ${pad(spec.pointOfSale, 4)} - ${pad(spec.number, 8)}`, 11, true, 'right');
  b.text(R - 8, 136, `FECHA  ${dmy(spec.issueDate, '-')}`, 10, true, 'right');
  b.text(R - 8, 152, 'Condición de venta: Cta. Cte. 30 días', 8, false, 'right');
  b.text(L, 184, `Cliente: ${spec.receiver.name}`, 9);
  b.text(L, 198, `C.U.I.T.: ${spec.receiver.cuit}      ${spec.receiver.ivaCondition}`, 9);
  const y = table(b, spec, { x0: L, x1: R, y: 222, size: 8.5, fmt, grid: true, rowH: 17, withIva: spec.letter === 'A' });
  const ty = totals(b, spec, { xLabel: 450, xValue: R, y: Math.max(y + 28, 560), size: 9, fmt, netLabel: 'Subtotal Neto', ivaLabel: (r) => `I.V.A. ${r} %`, totalLabel: 'TOTAL', dollar: true, step: 15 });
  b.text(L, ty + 8, words(spec), 8, true);
  const code = qr(spec);
  if (code) b.ops.push({ kind: 'qr', x: L, y: 800, size: 70, data: code });
  b.text(R, 780, `C.A.E. Nro.: ${spec.cae}`, 9, true, 'right');
  b.text(R, 794, `Fecha Vto. C.A.E.: ${dmy(spec.caeDueDate)}`, 9, false, 'right');
  return { width: W, height: 842, ops: b.ops };
}

function landscapeHalf(spec: InvoiceSpec): DevPage {
  const b = new Builder();
  const W = 842;
  const H = 595;
  const L = 30;
  const R = W - 30;
  const fmt: Fmt = { thousands: '.', decimal: ',' };
  b.rect(L, 26, R - L, 110);
  b.line(W / 2, 70, W / 2, 136);
  b.text(L + 10, 52, spec.issuer.name, 14, true);
  b.text(L + 10, 70, spec.issuer.address, 8);
  b.text(L + 10, 84, spec.issuer.ivaCondition, 8);
  b.text(L + 10, 98, `C.U.I.T. ${cuitDash(spec.issuer.cuit)}`, 9, true);
  b.text(L + 10, 112, `Ing. Brutos ${spec.issuer.iibb}   Inicio de actividades ${spec.issuer.startDate}`, 8);
  letterBox(b, W / 2, 26, spec, `COD. ${pad(spec.type, 2)}`, 38);
  b.text(W / 2 + 40, 52, 'FACTURA', 16, true);
  b.text(W / 2 + 40, 90, `Punto de Venta: ${pad(spec.pointOfSale, 4)}   Comp. Nro: ${pad(spec.number, 8)}`, 10, true);
  b.text(W / 2 + 40, 108, `Fecha de Emisión: ${dmy(spec.issueDate)}`, 10);
  b.text(L + 10, 154, `Sr./es: ${spec.receiver.name}`, 9);
  b.text(W / 2 - 40, 154, `CUIT: ${cuitDash(spec.receiver.cuit)}`, 9);
  b.text(W / 2 + 160, 154, spec.receiver.ivaCondition, 9);
  const y = table(b, spec, { x0: L, x1: R, y: 178, size: 8.5, fmt, grid: false, rowH: 15, withIva: spec.letter === 'A', headerFill: '#e0e0e0' });
  const code = qr(spec);
  if (code) b.ops.push({ kind: 'qr', x: L, y: H - 22, size: 78, data: code });
  b.text(L + 90, H - 60, `CAE: ${spec.cae}`, 9, true);
  b.text(L + 90, H - 45, `Vencimiento CAE: ${dmy(spec.caeDueDate)}`, 9);
  const ly = spec.letter === 'A' ? H - 40 - 15 * (2 + Object.keys(spec.iva).length + spec.otherTaxes.length) : H - 70;
  totals(b, spec, { xLabel: R - 110, xValue: R, y: Math.max(y + 14, ly), size: 9, fmt, netLabel: 'Importe Neto Gravado', ivaLabel: (r) => `IVA ${r}%`, totalLabel: 'Importe Total $', dollar: false, step: 14 });
  return { width: W, height: H, ops: b.ops };
}

function dotMatrix(spec: InvoiceSpec): DevPage {
  const b = new Builder();
  const W = 595;
  const L = 34;
  const R = W - 34;
  const fmt: Fmt = { thousands: '', decimal: '.' };
  // Pre-printed form (lighter, bold) filled in by the printer in one monospaced size.
  b.rect(L, 30, R - L, 120, undefined, 1);
  b.text(L + 8, 54, spec.issuer.name, 14, true);
  b.text(L + 8, 70, spec.issuer.address, 8);
  b.text(L + 8, 84, spec.issuer.ivaCondition, 8);
  letterBox(b, W / 2, 30, spec, `COD. ${pad(spec.type, 3)}`, 40);
  b.text(W / 2 + 36, 54, 'FACTURA', 14, true);
  b.text(W / 2 + 36, 74, `N° ${pad(spec.pointOfSale, 4)}-${pad(spec.number, 8)}`, 10);
  b.text(W / 2 + 36, 92, `FECHA: ${dmy(spec.issueDate, '/', true)}`, 10);
  b.text(W / 2 + 36, 110, `C.U.I.T.: ${spec.issuer.cuit}`, 9);
  b.text(W / 2 + 36, 124, `ING.BRUTOS: ${spec.issuer.iibb}`, 8);
  b.text(W / 2 + 36, 138, `INICIO ACT.: ${spec.issuer.startDate}`, 8);
  b.rect(L, 156, R - L, 40, undefined, 1);
  b.text(L + 8, 172, `SEÑOR/ES: ${spec.receiver.name}`, 9);
  b.text(L + 8, 188, `C.U.I.T.: ${spec.receiver.cuit}    I.V.A.: ${spec.receiver.ivaCondition.toUpperCase()}`, 9);
  const y = table(b, spec, { x0: L, x1: R, y: 218, size: 8.5, fmt, grid: true, rowH: 16, withIva: spec.letter === 'A' });
  totals(b, spec, { xLabel: 440, xValue: R - 4, y: Math.max(y + 24, 600), size: 9, fmt, netLabel: 'NETO GRAVADO', ivaLabel: (r) => `IVA INSC. ${r}%`, totalLabel: 'TOTAL $', dollar: false, step: 15 });
  b.text(L + 8, 770, `C.A.E. N°: ${spec.cae}    FECHA VTO.: ${dmy(spec.caeDueDate)}`, 9, true);
  const code = qr(spec);
  if (code) b.ops.push({ kind: 'qr', x: R - 74, y: 820, size: 70, data: code });
  return { width: W, height: 842, ops: b.ops };
}

function usDecimal(spec: InvoiceSpec): DevPage {
  const b = new Builder();
  const W = 595;
  const L = 40;
  const R = W - 40;
  const fmt: Fmt = { thousands: ',', decimal: '.' };
  b.ops.push({ kind: 'logo', x: 76, y: 64, r: 28, initials: spec.issuer.name.slice(0, 2), shape: 'circle' });
  b.text(114, 56, spec.issuer.name, 13, true);
  b.text(114, 72, spec.issuer.address, 8);
  b.text(114, 86, `CUIT ${spec.issuer.cuit} - ${spec.issuer.ivaCondition}`, 8);
  letterBox(b, 340, 36, spec, `COD. ${pad(spec.type, 2)}`, 36);
  b.text(R, 52, 'FACTURA', 14, true, 'right');
  b.text(R, 70, `Comprobante N°: ${pad(spec.pointOfSale, 5)}-${pad(spec.number, 8)}`, 9, false, 'right');
  b.text(R, 86, `Fecha de emisión: ${dmy(spec.issueDate)}`, 9, false, 'right');
  b.line(L, 110, R, 110, 0.8);
  b.text(L, 126, `Cliente: ${spec.receiver.name}  -  CUIT ${spec.receiver.cuit}`, 9);
  b.text(L, 140, `Condición IVA: ${spec.receiver.ivaCondition}`, 9);
  const y = table(b, spec, { x0: L, x1: R, y: 166, size: 8.5, fmt, grid: false, rowH: 16, withIva: spec.letter === 'A' });
  b.line(L, y, R, y, 0.8);
  totals(b, spec, { xLabel: 430, xValue: R, y: Math.max(y + 22, 560), size: 9, fmt, netLabel: 'Subtotal:', ivaLabel: (r) => `IVA ${r}%:`, totalLabel: 'Total:', dollar: true, step: 15 });
  const code = qr(spec);
  if (code) b.ops.push({ kind: 'qr', x: L, y: 790, size: 74, data: code });
  b.text(L + 90, 760, `CAE: ${spec.cae}`, 9, true);
  b.text(L + 90, 775, `Fecha de Vto. de CAE: ${dmy(spec.caeDueDate)}`, 9);
  return { width: W, height: 842, ops: b.ops };
}

function gridRightBox(spec: InvoiceSpec): DevPage {
  const b = new Builder();
  const W = 595;
  const L = 30;
  const R = W - 30;
  const fmt: Fmt = { thousands: '.', decimal: ',' };
  b.rect(L, 30, R - L, 100);
  b.text(L + 10, 56, spec.issuer.name, 13, true);
  b.text(L + 10, 72, `Domicilio: ${spec.issuer.address}`, 8);
  b.text(L + 10, 86, `CUIT Nro: ${spec.issuer.cuit}`, 8, true);
  b.text(L + 10, 100, `Situación IVA: ${spec.issuer.ivaCondition}`, 8);
  b.text(L + 10, 114, `IIBB: ${spec.issuer.iibb}`, 8);
  letterBox(b, R - 36, 38, spec, `COD. ${pad(spec.type, 2)}`, 40);
  b.text(R - 70, 52, 'FACTURA', 14, true, 'right');
  b.text(R - 70, 72, `Pto. Vta: ${pad(spec.pointOfSale, 5)}  Nro: ${pad(spec.number, 8)}`, 9, true, 'right');
  b.text(R - 70, 88, `Fecha: ${dmy(spec.issueDate)}`, 9, false, 'right');
  b.rect(L, 134, R - L, 34);
  b.text(L + 10, 148, `Razón Social: ${spec.receiver.name}`, 8);
  b.text(L + 10, 162, `CUIT: ${spec.receiver.cuit}`, 8);
  b.text(300, 162, `Cond. IVA: ${spec.receiver.ivaCondition}`, 8);
  const y = table(b, spec, { x0: L, x1: R, y: 190, size: 8, fmt, grid: true, rowH: 16, withIva: spec.letter === 'A', headerFill: '#cccccc' });
  b.rect(330, Math.max(y + 10, 560) - 14, R - 330, 100);
  totals(b, spec, { xLabel: 470, xValue: R - 6, y: Math.max(y + 10, 560), size: 9, fmt, netLabel: 'Importe Neto Gravado', ivaLabel: (r) => `IVA ${r}%`, totalLabel: 'IMPORTE TOTAL', dollar: true, step: 15 });
  const code = qr(spec);
  if (code) b.ops.push({ kind: 'qr', x: L, y: 790, size: 80, data: code });
  b.text(R, 770, `CAE ${spec.cae}`, 9, true, 'right');
  b.text(R, 785, `Vto. ${dmy(spec.caeDueDate)}`, 9, false, 'right');
  return { width: W, height: 842, ops: b.ops };
}

function monotributoC(spec: InvoiceSpec): DevPage {
  const b = new Builder();
  const W = 595;
  const L = 40;
  const R = W - 40;
  const fmt: Fmt = { thousands: '.', decimal: ',' };
  b.text(L, 58, spec.issuer.name, 14, true);
  b.text(L, 74, spec.issuer.address, 9);
  b.text(L, 88, 'Responsable Monotributo', 9);
  letterBox(b, W / 2, 36, spec, `COD. ${pad(spec.type, 3)}`, 38);
  b.text(R, 52, 'FACTURA', 16, true, 'right');
  b.text(R, 72, `Punto de Venta: ${pad(spec.pointOfSale, 5)}  Comp. Nro: ${pad(spec.number, 8)}`, 9, true, 'right');
  b.text(R, 88, `Fecha de Emisión: ${dmy(spec.issueDate)}`, 9, false, 'right');
  b.text(R, 104, `CUIT: ${spec.issuer.cuit}`, 9, false, 'right');
  b.line(L, 116, R, 116);
  b.text(L, 132, `Apellido y Nombre / Razón Social: ${spec.receiver.name}`, 9);
  b.text(L, 146, `CUIT: ${spec.receiver.cuit}   Condición frente al IVA: ${spec.receiver.ivaCondition}`, 9);
  const y = table(b, spec, { x0: L, x1: R, y: 172, size: 9, fmt, grid: false, rowH: 17, withIva: false, headerFill: '#e6e6e6' });
  totals(b, spec, { xLabel: 440, xValue: R, y: Math.max(y + 28, 580), size: 10, fmt, netLabel: '', ivaLabel: (r) => r, totalLabel: 'TOTAL: $', dollar: false, step: 16 });
  b.text(L, 630, words(spec), 8);
  const code = qr(spec);
  if (code) b.ops.push({ kind: 'qr', x: L, y: 780, size: 76, data: code });
  b.text(R, 760, `CAE N°: ${spec.cae}`, 9, true, 'right');
  b.text(R, 776, `Fecha de Vto. de CAE: ${dmy(spec.caeDueDate)}`, 9, false, 'right');
  return { width: W, height: 842, ops: b.ops };
}

function distribuidoraDark(spec: InvoiceSpec): DevPage {
  const b = new Builder();
  const W = 595;
  const L = 32;
  const R = W - 32;
  const fmt: Fmt = { thousands: '.', decimal: ',' };
  b.rect(L, 30, R - L, 60, '#3a3a3a');
  b.text(L + 12, 58, spec.issuer.name, 15, true, 'left', 255);
  b.text(L + 12, 76, spec.issuer.address, 8, false, 'left', 255);
  letterBox(b, W / 2 + 60, 100, spec, `COD.${pad(spec.type, 2)}`, 34);
  b.text(L, 114, `CUIT: ${cuitDash(spec.issuer.cuit)}`, 9, true);
  b.text(L, 128, `Ingresos Brutos: ${spec.issuer.iibb}`, 8);
  b.text(L, 142, spec.issuer.ivaCondition, 8);
  b.text(R, 114, 'FACTURA', 13, true, 'right');
  b.text(R, 130, `N° Comprobante: ${pad(spec.pointOfSale, 5)}-${pad(spec.number, 8)}`, 9, false, 'right');
  b.text(R, 145, `Fecha: ${dmy(spec.issueDate, '.')}`, 9, false, 'right');
  b.line(L, 158, R, 158, 1);
  b.text(L, 174, `Cliente: ${spec.receiver.name}`, 9);
  b.text(L, 188, `CUIT Cliente: ${cuitDash(spec.receiver.cuit)}  (${spec.receiver.ivaCondition})`, 9);
  const y = table(b, spec, { x0: L, x1: R, y: 212, size: 8.5, fmt, grid: false, rowH: 16, withIva: spec.letter === 'A', headerFill: '#bbbbbb' });
  totals(b, spec, { xLabel: 440, xValue: R, y: Math.max(y + 26, 580), size: 9, fmt, netLabel: 'Subtotal', ivaLabel: (r) => `IVA ${r}%`, totalLabel: 'TOTAL A PAGAR $', dollar: false, step: 15 });
  const code = qr(spec);
  if (code) b.ops.push({ kind: 'qr', x: R - 80, y: 810, size: 76, data: code });
  b.text(L, 780, `CAE: ${spec.cae}`, 9, true);
  b.text(L, 795, `Vto. CAE: ${dmy(spec.caeDueDate)}`, 9);
  return { width: W, height: 842, ops: b.ops };
}

export function devLayout(spec: InvoiceSpec, layout: DevLayout): DevPage {
  switch (layout) {
    case 'arca-online':
      return arcaOnline(spec, false);
    case 'arca-fce':
      return arcaOnline(spec, true);
    case 'erp-logo':
      return erpLogo(spec);
    case 'mayorista-words':
      return mayoristaWords(spec);
    case 'landscape-half':
      return landscapeHalf(spec);
    case 'dot-matrix':
      return dotMatrix(spec);
    case 'us-decimal':
      return usDecimal(spec);
    case 'grid-right-box':
      return gridRightBox(spec);
    case 'monotributo-c':
      return monotributoC(spec);
    case 'distribuidora-dark':
      return distribuidoraDark(spec);
  }
}
