import { encodeFiscalQr } from '../../../src/shared/domain/invoice/fiscal-qr.js';
import type { IvaRate } from '../../../src/shared/domain/invoice/voucher-types.js';
import { qrJson, type InvoiceSpec } from './spec.js';

/** Page size in points (A4). */
export const PAGE = { width: 595.28, height: 841.89 };

export type FontStyle = 'regular' | 'bold';

/** One drawing operation; `y` is the text baseline, in points from the top. */
export type Op =
  | { kind: 'text'; x: number; y: number; text: string; size: number; style: FontStyle; align: 'left' | 'right' | 'center' }
  | { kind: 'rect'; x: number; y: number; w: number; h: number; fill?: string }
  | { kind: 'qr'; x: number; y: number; size: number; data: string };

/** `1234567` centavos → `12345,67` (AFIP style) or `12.345,67` (with thousands). */
export function money(cents: bigint, thousands: boolean): string {
  const neg = cents < 0n;
  const abs = neg ? -cents : cents;
  let int = (abs / 100n).toString();
  if (thousands) int = int.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return `${neg ? '-' : ''}${int},${(abs % 100n).toString().padStart(2, '0')}`;
}

export function quantity(thousandths: bigint): string {
  const int = thousandths / 1000n;
  const frac = thousandths % 1000n;
  return frac === 0n ? `${int},00` : `${int},${frac.toString().padStart(3, '0')}`;
}

const dmy = (iso: string, sep: string) => iso.split('-').reverse().join(sep);
const rateText = (r: IvaRate, comma: boolean) => (comma ? r.replace('.', ',') : r);
const UNIT_LABEL = { unit: 'unidades', kg: 'kg', l: 'litros' } as const;

class Page {
  ops: Op[] = [];
  text(x: number, y: number, text: string, size = 8, style: FontStyle = 'regular', align: 'left' | 'right' | 'center' = 'left') {
    this.ops.push({ kind: 'text', x, y, text, size, style, align });
  }
  rect(x: number, y: number, w: number, h: number, fill?: string) {
    this.ops.push({ kind: 'rect', x, y, w, h, ...(fill ? { fill } : {}) });
  }
}

function qrData(spec: InvoiceSpec): string | null {
  return spec.qr ? encodeFiscalQr(qrJson(spec), spec.qr) : null;
}

function afip(spec: InvoiceSpec): Op[] {
  const p = new Page();
  const A = spec.letter === 'A';
  const L = 28;
  const R = PAGE.width - 28;
  p.text(PAGE.width / 2, 40, 'ORIGINAL', 10, 'bold', 'center');
  p.rect(L, 48, R - L, 130);
  p.text(40, 78, spec.issuer.name, 13, 'bold');
  p.rect(PAGE.width / 2 - 20, 48, 40, 38, '#ffffff');
  p.text(PAGE.width / 2, 78, spec.letter, 26, 'bold', 'center');
  p.text(PAGE.width / 2, 97, `COD. ${String(spec.type).padStart(3, '0')}`, 7, 'bold', 'center');
  p.text(340, 78, 'FACTURA', 16, 'bold');
  p.text(40, 112, `Razón Social: ${spec.issuer.name}`);
  p.text(340, 112, `Punto de Venta: ${String(spec.pointOfSale).padStart(5, '0')}   Comp. Nro: ${String(spec.number).padStart(8, '0')}`, 8, 'bold');
  p.text(40, 128, `Domicilio Comercial: ${spec.issuer.address}`);
  p.text(340, 128, `Fecha de Emisión: ${dmy(spec.issueDate, '/')}`, 8, 'bold');
  p.text(40, 144, `Condición frente al IVA: ${spec.issuer.ivaCondition}`);
  p.text(340, 144, `CUIT: ${spec.issuer.cuit}`);
  p.text(340, 158, `Ingresos Brutos: ${spec.issuer.iibb}`);
  p.text(340, 172, `Fecha de Inicio de Actividades: ${spec.issuer.startDate}`);
  p.rect(L, 182, R - L, 20);
  p.text(40, 195, `Período Facturado Desde: ${dmy(spec.issueDate, '/')}   Hasta: ${dmy(spec.issueDate, '/')}   Fecha de Vto. para el pago: ${dmy(spec.caeDueDate, '/')}`);
  p.rect(L, 206, R - L, 52);
  p.text(40, 220, `CUIT: ${spec.receiver.cuit}`, 8, 'bold');
  p.text(200, 220, `Apellido y Nombre / Razón Social: ${spec.receiver.name}`);
  p.text(40, 235, `Condición frente al IVA: ${spec.receiver.ivaCondition}`);
  p.text(300, 235, `Domicilio: ${spec.receiver.address}`);
  p.text(40, 250, 'Condición de venta: Contado');

  // Table: header and right-aligned numeric columns.
  const y0 = 275;
  p.rect(L, y0 - 11, R - L, 16, '#d9d9d9');
  const cols = A
    ? { code: 32, desc: 100, qty: 310, unit: 314, price: 405, bonif: 430, sub: 474, iva: 508, gross: R - 4 }
    : { code: 32, desc: 100, qty: 310, unit: 314, price: 405, bonif: 430, bonifAmt: 478, sub: R - 4 };
  const H = 6;
  const T = 7.5;
  p.text(cols.code, y0, 'Código', H, 'bold');
  p.text(cols.desc, y0, 'Producto / Servicio', H, 'bold');
  p.text(cols.qty, y0, 'Cantidad', H, 'bold', 'right');
  p.text(cols.unit, y0, 'U. Medida', H, 'bold');
  p.text(cols.price, y0, 'Precio Unit.', H, 'bold', 'right');
  p.text(cols.bonif, y0, '% Bonif', H, 'bold', 'right');
  if (A) {
    p.text(cols.sub, y0, 'Subtotal', H, 'bold', 'right');
    p.text(cols.iva!, y0, 'Alíc. IVA', H, 'bold', 'right');
    p.text(cols.gross!, y0, 'Subtotal c/IVA', H, 'bold', 'right');
  } else {
    p.text(cols.bonifAmt!, y0, 'Imp. Bonif.', H, 'bold', 'right');
    p.text(cols.sub, y0, 'Subtotal', H, 'bold', 'right');
  }
  let y = y0 + 18;
  for (const l of spec.lines) {
    p.text(cols.code, y, l.barcode ?? l.code ?? '', T);
    p.text(cols.desc, y, l.description, T);
    p.text(cols.qty, y, quantity(l.quantity), T, 'regular', 'right');
    p.text(cols.unit, y, UNIT_LABEL[l.unit], T);
    p.text(cols.price, y, money(l.unitPrice, false), T, 'regular', 'right');
    p.text(cols.bonif, y, '0,00', T, 'regular', 'right');
    if (A) {
      p.text(cols.sub, y, money(l.amount, false), T, 'regular', 'right');
      p.text(cols.iva!, y, `${rateText(l.ivaRate!, true)}%`, T, 'regular', 'right');
      const gross = l.amount + (l.amount * BigInt(Number(l.ivaRate) * 10) + 500n) / 1000n;
      p.text(cols.gross!, y, money(gross, false), T, 'regular', 'right');
    } else {
      p.text(cols.bonifAmt!, y, '0,00', T, 'regular', 'right');
      p.text(cols.sub, y, money(l.amount, false), T, 'regular', 'right');
    }
    y += 16;
  }

  // Totals, right column; other taxes detail on the left of the same block.
  let ty = 600;
  const label = (t: string, v: bigint) => {
    p.text(470, ty, t, 8, 'bold', 'right');
    p.text(R - 4, ty, `$ ${money(v, false)}`, 8, 'bold', 'right');
    ty += 15;
  };
  let oy = 600;
  if (spec.otherTaxes.length) {
    p.text(40, oy, 'Otros tributos', 8, 'bold');
    oy += 15;
    for (const t of spec.otherTaxes) {
      p.text(40, oy, t.label, 8);
      p.text(250, oy, money(t.amount, false), 8, 'regular', 'right');
      oy += 15;
    }
  }
  if (A) {
    label('Importe Neto Gravado:', spec.net);
    for (const r of ['27', '21', '10.5', '5', '2.5', '0'] as IvaRate[]) label(`IVA ${r}%:`, spec.iva[r] ?? 0n);
  } else {
    label('Subtotal:', spec.net);
  }
  label('Importe Otros Tributos:', spec.otherTaxes.reduce((a, t) => a + t.amount, 0n));
  label('Importe Total:', spec.total);
  if (spec.ivaContained !== null) {
    p.text(40, 735, 'Régimen de Transparencia Fiscal al Consumidor (Ley 27.743)', 7, 'bold');
    p.text(40, 748, `IVA Contenido: $ ${money(spec.ivaContained, false)}`, 7);
  }

  const qr = qrData(spec);
  if (qr) p.ops.push({ kind: 'qr', x: 36, y: 756, size: 72, data: qr });
  p.text(120, 790, 'Comprobante Autorizado', 9, 'bold');
  p.text(R - 150, 776, `CAE N°: ${spec.cae}`, 9, 'bold');
  p.text(R - 150, 792, `Fecha de Vto. de CAE: ${dmy(spec.caeDueDate, '/')}`, 9, 'bold');
  p.text(PAGE.width / 2, 822, 'Pág. 1/1', 8, 'regular', 'center');
  return p.ops;
}

function distribuidora(spec: InvoiceSpec): Op[] {
  const p = new Page();
  const A = spec.letter === 'A';
  const L = 36;
  const R = PAGE.width - 36;
  const cuit = (c: string) => `${c.slice(0, 2)}-${c.slice(2, 10)}-${c.slice(10)}`;
  p.text(L, 60, spec.issuer.name, 15, 'bold');
  p.text(L, 78, spec.issuer.address, 9);
  p.text(L, 92, `C.U.I.T.: ${cuit(spec.issuer.cuit)}`, 9);
  p.text(L, 106, spec.issuer.ivaCondition, 9);
  p.text(L, 120, `Ing. Brutos: ${spec.issuer.iibb}`, 9);
  p.rect(360, 40, 40, 36);
  p.text(380, 68, spec.letter, 24, 'bold', 'center');
  p.text(410, 60, 'FACTURA', 15, 'bold');
  p.text(380, 90, `Cód. ${String(spec.type).padStart(2, '0')}`, 8, 'regular', 'center');
  p.text(410, 106, `N° ${String(spec.pointOfSale).padStart(4, '0')}-${String(spec.number).padStart(8, '0')}`, 10, 'bold');
  p.text(410, 122, `Fecha: ${dmy(spec.issueDate, '-')}`, 10);
  p.rect(L, 134, R - L, 40);
  p.text(L + 6, 150, `Cliente: ${spec.receiver.name}`, 9);
  p.text(330, 150, `C.U.I.T.: ${cuit(spec.receiver.cuit)}`, 9);
  p.text(L + 6, 166, `Domicilio: ${spec.receiver.address}`, 9);
  p.text(330, 166, `Cond. IVA: ${spec.receiver.ivaCondition}`, 9);

  const y0 = 196;
  const cols = A ? { qty: 70, code: 80, desc: 170, price: 430, iva: 475, amount: R } : { qty: 70, code: 80, desc: 170, price: 450, amount: R };
  p.rect(L, y0 - 12, R - L, 17, '#e6e6e6');
  p.text(cols.qty, y0, 'Cant.', 9, 'bold', 'right');
  p.text(cols.code, y0, 'Código', 9, 'bold');
  p.text(cols.desc, y0, 'Descripción', 9, 'bold');
  p.text(cols.price, y0, 'P. Unit.', 9, 'bold', 'right');
  if (A) p.text(cols.iva!, y0, 'IVA %', 9, 'bold', 'right');
  p.text(cols.amount, y0, 'Importe', 9, 'bold', 'right');
  let y = y0 + 20;
  for (const l of spec.lines) {
    p.text(cols.qty, y, quantity(l.quantity), 9, 'regular', 'right');
    p.text(cols.code, y, l.barcode ?? l.code ?? '', 9);
    p.text(cols.desc, y, l.description, 9);
    p.text(cols.price, y, money(l.unitPrice, true), 9, 'regular', 'right');
    if (A) p.text(cols.iva!, y, rateText(l.ivaRate!, true), 9, 'regular', 'right');
    p.text(cols.amount, y, money(l.amount, true), 9, 'regular', 'right');
    y += 18;
  }
  let ty = Math.max(y + 30, 560);
  const total = (t: string, v: bigint, size = 10) => {
    p.text(440, ty, t, size, 'bold', 'right');
    p.text(R, ty, `$ ${money(v, true)}`, size, 'bold', 'right');
    ty += size + 8;
  };
  total('Subtotal', spec.net);
  for (const [r, v] of Object.entries(spec.iva)) total(`IVA ${rateText(r as IvaRate, true)} %`, v!);
  for (const t of spec.otherTaxes) total(t.label, t.amount);
  total('TOTAL', spec.total, 12);
  if (spec.ivaContained !== null) p.text(L, ty + 10, `IVA contenido (Ley 27.743): $ ${money(spec.ivaContained, true)}`, 8);
  const qr = qrData(spec);
  if (qr) p.ops.push({ kind: 'qr', x: R - 80, y: 730, size: 80, data: qr });
  p.text(L, 770, `C.A.E.: ${spec.cae}`, 10, 'bold');
  p.text(L, 786, `Vto. C.A.E.: ${dmy(spec.caeDueDate, '-')}`, 10);
  return p.ops;
}

/** The drawing of an invoice, independent of the output format. */
export function layoutInvoice(spec: InvoiceSpec): Op[] {
  return spec.layout === 'afip' ? afip(spec) : distribuidora(spec);
}

/**
 * The text lines a reader of the page gets, grouped by baseline and ordered left to right with
 * wide gaps kept as three spaces (approximate widths: this is for pure tests, not rendering).
 */
export function layoutText(ops: Op[]): string[] {
  const texts = ops.filter((o): o is Extract<Op, { kind: 'text' }> => o.kind === 'text');
  const rows = new Map<number, { x: number; end: number; text: string }[]>();
  for (const t of texts) {
    const w = t.text.length * t.size * 0.5;
    const x = t.align === 'left' ? t.x : t.align === 'right' ? t.x - w : t.x - w / 2;
    const key = [...rows.keys()].find((k) => Math.abs(k - t.y) <= 2) ?? t.y;
    rows.set(key, [...(rows.get(key) ?? []), { x, end: x + w, text: t.text }]);
  }
  return [...rows.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([, items]) => items.sort((a, b) => a.x - b.x).map((i) => i.text).join('   '));
}
