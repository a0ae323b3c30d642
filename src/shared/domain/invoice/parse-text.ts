import { formatCuit, isValidCuit } from './cuit.js';
import { approxEqual, formatScaled, mulScaled, parseArDecimal, repairDigits } from './decimal.js';
import { amountInWords } from './amount-words.js';
import { field, type Field, type FieldSource } from './fields.js';
import { toIvaRate, voucherCode, voucherType, type InvoiceLetter, type IvaRate, type VoucherKind } from './voucher-types.js';

/** One line of text as read from the page (text layer or OCR), top to bottom. */
export interface TextLine {
  text: string;
  /** Recognition confidence 0..1 (OCR); 1 for a text layer. */
  confidence?: number;
}

export type LineUnit = 'unit' | 'kg' | 'l';

export interface ParsedLine {
  code: string | null;
  barcode: string | null;
  description: string;
  /** Decimal string, up to 3 places. */
  quantity: string;
  unit: LineUnit;
  /** Decimal string, 2 places. */
  unitPrice: string;
  /** Legal IVA rate (`"21"`, `"10.5"`), or null when the invoice shows none (B, C). */
  ivaRate: IvaRate | null;
  /** Line amount as printed: net of IVA on A/M invoices, IVA included on B, none on C. */
  amount: string;
  /** Discount percent as printed, decimal string. */
  discountPercent: string | null;
  confidence: number;
  /** Whether quantity × unit price (less discount) gives the amount. */
  arithmeticOk: boolean;
}

export interface OtherTax {
  label: string;
  amount: string;
}

export interface InvoiceFields {
  letter?: Field<InvoiceLetter>;
  type?: Field<number>;
  pointOfSale?: Field<number>;
  number?: Field<number>;
  issueDate?: Field<string>;
  issuerCuit?: Field<string>;
  issuerName?: Field<string>;
  receiverCuit?: Field<string>;
  cae?: Field<string>;
  caeDueDate?: Field<string>;
  currency?: Field<string>;
  net?: Field<string>;
  exempt?: Field<string>;
  /** IVA amount per rate, decimal strings. */
  iva?: Field<Partial<Record<IvaRate, string>>>;
  otherTaxes?: Field<string>;
  total?: Field<string>;
}

export interface ParsedInvoiceText {
  fields: InvoiceFields;
  /**
   * The total was not read but worked out from the net, IVA and other taxes read: the totals
   * cross-check cannot vouch for it (it is its own sum), so it stays for review.
   */
  totalDerived?: boolean;
  lines: ParsedLine[];
  otherTaxesDetail: OtherTax[];
}

const MONEY = 2;
const QTY = 3;

/** Penalty applied to a value that fails its own validation (check digit, calendar). */
const INVALID_FACTOR = 0.3;
/**
 * Ceiling for anything read by OCR, however confident the engine says it is: below the default
 * auto-post threshold (0.95), so an OCR reading alone never posts; only an independent check
 * (the fiscal QR agreeing, the totals adding up exactly) lifts a field above it.
 */
export const OCR_CEILING = 0.9;
/** A text-layer value whose role on the page is a guess (several CUITs, none labelled receiver). */
const AMBIGUOUS_TEXT = 0.9;
const TEXT_BASE = 0.97;

function baseConfidence(source: FieldSource, line: TextLine): number {
  if (source === 'text') return TEXT_BASE;
  return Math.min(OCR_CEILING, line.confidence ?? 0.8);
}

/** Lowercase without accents: labels are matched on this. */
function fold(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

const NUMBER_TOKEN = /^[-−]?\$?\(?\d[\d.,]*\)?%?$/;
const UNIT_WORDS: Record<string, LineUnit> = {
  u: 'unit', un: 'unit', uni: 'unit', unid: 'unit', unidad: 'unit', unidades: 'unit', bulto: 'unit', bultos: 'unit', caja: 'unit', cajas: 'unit', pack: 'unit',
  kg: 'kg', kgs: 'kg', kilo: 'kg', kilos: 'kg', kilogramo: 'kg', kilogramos: 'kg',
  l: 'l', lt: 'l', lts: 'l', litro: 'l', litros: 'l',
};

function unitOf(token: string): LineUnit | undefined {
  return UNIT_WORDS[fold(token).replace(/\.$/, '')];
}

/** Dates printed `dd/mm/yyyy`, `dd-mm-yyyy`, `dd.mm.yy`. */
const DATE_RE = /(\d{1,2})\s?[/.-]\s?(\d{1,2})\s?[/.-]\s?(\d{4}|\d{2})\b/g;

function isoDate(d: string, m: string, y: string): string | null {
  const year = y.length === 2 ? 2000 + Number(y) : Number(y);
  const month = Number(m);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || year < 1990 || year > 2099) return null;
  const dt = new Date(Date.UTC(year, month - 1, day));
  if (dt.getUTCDate() !== day) return null;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** OCR splits a number at its decimal comma (`206400, 00`): glue it back. */
function joinSplitDecimals(text: string): string {
  return text.replace(/(\d)([,.]) (\d{2})(?![\d,.])/g, '$1$2$3');
}

/** OCR reads some digits as letters; labels and values are compared after repair. */
function repairLine(text: string): string {
  return joinSplitDecimals(text)
    .split(/(\s+)/)
    .map((t) => (/\d/.test(t) ? repairDigits(t) : t))
    .join('');
}

/** The label text just before position `at` on a line (back to the previous value). */
function labelBefore(text: string, at: number): string {
  return fold(text.slice(Math.max(0, at - 48), at));
}

/** `N°`/`Nro` (OCR reads the ° as *) followed by point of sale and number apart, not padded, or glued. */
const LABELLED_NUMBER_SHAPES = [/(\d{4,5})\s+(\d{8})(?!\d)/, /(\d{1,3})\s?-\s?(\d{8})(?!\d|-\d)/, /(\d{4,5})(\d{8})(?!\d)/].map(
  (shape) => new RegExp(String.raw`\bn(?:ro|[°º*])\.?\s*:?\s*` + shape.source),
);

function parseHeader(lines: TextLine[], source: FieldSource, fields: InvoiceFields): void {
  let letterFound: { letter: InvoiceLetter; conf: number } | undefined;
  let codeFound: { code: number; conf: number } | undefined;
  let kind: VoucherKind | undefined;
  /** `FACTURA DE CRÉDITO ELECTRÓNICA MiPyMEs (FCE)`: the 20x codes. */
  let fce = false;
  const cuits: { digits: string; receiver: boolean; conf: number }[] = [];
  let issueDateFallback: Field<string> | undefined;

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const raw = line.text;
    const text = repairLine(raw);
    const f = fold(text);
    const conf = baseConfidence(source, line);

    if (/credito\s+electronica|mipymes|\(fce\)/.test(f)) fce = true;
    if (!kind) {
      if (/nota\s+de\s+credito/.test(f)) kind = 'nota_credito';
      else if (/nota\s+de\s+debito/.test(f)) kind = 'nota_debito';
      else if (/\bfactura\b/.test(f)) kind = 'factura';
    }

    if (!letterFound) {
      const alone = /^\s*["'“([|]?\s*([ABCM])\s*["'”)\]|]?\s*$/.exec(raw);
      const afterWord = /\b(?:factura|nota\s+de\s+cr[eé]dito|nota\s+de\s+d[eé]bito|comprobante)\s*["'“(]?\s*([ABCM])\b["'”)]?(?!\w)/i.exec(raw);
      const labeled = /\b(?:tipo|letra)\s*:?\s*["'“]?([ABCM])\b/i.exec(raw);
      const boxed = /(?:^|\s{2,}|\|)\s*([ABCM])\s*(?:\||\s{2,})\s*(?:factura|nota)/i.exec(raw);
      // `LOGISTICA NORTE SRL   A FACTURA`, `S.A. B FACTURA`: a lone capital right before the word.
      const before = /(?:^|\s)([ABCM])\s+(?:FACTURA|Factura|NOTA|Nota)\b/.exec(raw);
      // `Número: A-0002-00028001`: the letter printed with the number.
      const inNumber = /(?:^|[^\w-])([ABCM])\s?-\s?\d{4,5}\s?-\s?\d{8}(?!\d)/.exec(raw);
      const m = [alone, labeled, afterWord, boxed, before, inNumber].find((x) => x && x[1] === x[1]!.toUpperCase());
      if (m) letterFound = { letter: m[1]!.toUpperCase() as InvoiceLetter, conf };
    }

    if (!codeFound) {
      // OCR reads the `N°` of `COD. N° 01` as `N*`, `N'`, `Nº`…: any short mark after the N.
      // OCR also frames the code in box lines (`CcoD| 201`) and reads `COD.` as `con.` before a zero-padded code.
      const m = /c[oó]d(?:igo)?[.:|\s]*(?:n[^\s\d]{0,2}\s*)?:?\s*0*(\d{1,3})\b/i.exec(text) ?? /\bcon\.\s*0+(\d{1,2})\b/i.exec(text);
      if (m && voucherType(Number(m[1]))) codeFound = { code: Number(m[1]), conf };
    }

    if (!fields.pointOfSale || !fields.number) {
      const pv = /(?:punto\s*de\s*venta|\bpto\.?\s*(?:de\s*)?vta\.?|\bp\.\s?v\.)\s*(?:n[°ºro.]*)?\s*:?\s*(\d{1,5})\b/.exec(f);
      // `Comp. Nro: 00000097`, or a bare `Nro: 00000097` right after the point of sale.
      const nro = /comp(?:robante)?\.?\s*(?:n(?:ro|[°º]|o)?\.?|numero)\s*:?\s*(\d{1,8})\b/.exec(f) ?? (pv ? /\bn(?:ro|[°º]|o)\.?\s*:?\s*(\d{1,8})\b/.exec(f.slice(pv.index + pv[0].length)) : null);
      if (pv && !fields.pointOfSale) fields.pointOfSale = field(Number(pv[1]), source, conf);
      if (nro && !fields.number && (pv || fields.pointOfSale)) fields.number = field(Number(nro[1]), source, conf);
      if (!pv) {
        // `N° 0003-00000128`; a CUIT (2-8-1) never has 4-5 digits before the dash.
        const dash = /(?:^|[^\d-]|\b[ABCM]\s?-\s?)(\d{4,5})\s?-\s?(\d{8})(?!\d|-\d)/.exec(text);
        if (dash && !fields.pointOfSale) {
          const labeled = /(n[°ºo]|nro|numero|factura|comprobante|comp)/.test(labelBefore(text, dash.index + 1));
          const c = labeled ? conf : conf * 0.85;
          fields.pointOfSale = field(Number(dash[1]), source, c);
          fields.number = field(Number(dash[2]), source, c);
        } else if (!fields.pointOfSale && /\bn[2z](\d{4,5})\s?-\s?(\d{8})(?!\d)/.test(f)) {
          // `N° 00003-00000438` read as `N200003-00000438`: the degree sign as a 2.
          const glued = /\bn[2z](\d{4,5})\s?-\s?(\d{8})(?!\d)/.exec(f)!;
          fields.pointOfSale = field(Number(glued[1]), source, conf * 0.8);
          fields.number = field(Number(glued[2]), source, conf * 0.8);
        } else if (!fields.pointOfSale) {
          // Only when labelled (OCR reads the ° as *): `Nro: 0008   00006490` (the two parts apart), `Comp. Nro: 3-00000089`
          // (the point of sale not zero-padded), `N° 000800059501` (both parts glued, 4 + 8 or 5 + 8 digits).
          const m = LABELLED_NUMBER_SHAPES.map((re) => re.exec(f)).find((x) => x !== null);
          if (m) {
            fields.pointOfSale = field(Number(m[1]), source, conf * 0.9);
            fields.number = field(Number(m[2]), source, conf * 0.9);
          }
        }
      }
    }

    for (const m of text.matchAll(DATE_RE)) {
      const iso = isoDate(m[1]!, m[2]!, m[3]!);
      const label = labelBefore(text, m.index);
      const nearest = label.slice(label.lastIndexOf('fecha') >= 0 ? label.lastIndexOf('fecha') : Math.max(0, label.length - 28));
      const c = iso ? conf : conf * INVALID_FACTOR;
      if (/\bcae\b|c\.a\.e/.test(nearest) && /(vto|venc)/.test(nearest)) {
        if (!fields.caeDueDate && iso) fields.caeDueDate = field(iso, source, c);
      } else if (/fecha/.test(nearest) && !/(vto|venc|inicio|desde|hasta|pago|activ|nac)/.test(nearest)) {
        if (!fields.issueDate && iso) fields.issueDate = field(iso, source, c);
      } else if (!issueDateFallback && iso && !/(vto|venc|inicio|desde|hasta|pago|activ|periodo)/.test(nearest)) {
        issueDateFallback = field(iso, source, c * 0.8);
      }
    }

    if (!fields.cae) {
      // OCR reads `N°` as `N*`, `N”`, `Nº`…: accept any short mark after the N.
      const m = /\bc\.?\s?a\.?\s?e\.?\s?a?\.?\s*(?:n\S{0,3}|nro\.?|numero)?\s*[:.]?\s*(\d{14})\b/i.exec(text);
      if (m) fields.cae = field(m[1]!, source, conf);
    }

    for (const m of text.matchAll(/(?<![\d-])(\d{2})[\s.\-–]?(\d{8})[\s.\-–]?(\d)(?![\d-])/g)) {
      const digits = `${m[1]}${m[2]}${m[3]}`;
      const label = labelBefore(text, m.index);
      const hasCuitLabel = /c\.?\s?u\.?\s?i\.?\s?t|cuil/.test(label);
      if (!hasCuitLabel && !/^(20|23|24|27|30|33|34)/.test(digits)) continue;
      const receiver = /(cliente|senor|sr\.|sres|receptor|comprador|apellido|destinatario)/.test(f);
      cuits.push({ digits, receiver, conf: hasCuitLabel ? conf : conf * 0.8 });
    }

    if (!fields.currency) {
      if (/\b(u\$s|usd|dolares)\b/.test(f)) fields.currency = field('DOL', source, conf * 0.9);
    }
  }

  const issuer = cuits.find((c) => !c.receiver) ?? undefined;
  const labelledReceiver = cuits.find((c) => c.receiver && c.digits !== issuer?.digits);
  const receiver = labelledReceiver ?? cuits.find((c) => c !== issuer && c.digits !== issuer?.digits);
  // Two CUITs and no receiver label: which one is the issuer's is a guess.
  const ambiguous = !labelledReceiver && receiver !== undefined;
  for (const [key, c] of [['issuerCuit', issuer], ['receiverCuit', receiver]] as const) {
    if (!c) continue;
    const conf = isValidCuit(c.digits) ? (ambiguous ? Math.min(c.conf, AMBIGUOUS_TEXT) : c.conf) : c.conf * INVALID_FACTOR;
    fields[key] = field(formatCuit(c.digits), source, conf);
  }

  if (!fields.issueDate && issueDateFallback) fields.issueDate = issueDateFallback;

  if (codeFound) {
    const vt = voucherType(codeFound.code)!;
    const agrees = (!letterFound || letterFound.letter === vt.letter) && (!kind || kind === vt.kind);
    const c = agrees ? codeFound.conf : codeFound.conf * 0.6;
    fields.type = field(vt.code, source, c);
    fields.letter = field(vt.letter, source, agrees ? c : (letterFound?.conf ?? c) * 0.6);
  } else if (letterFound) {
    const plain = voucherCode(letterFound.letter, kind ?? 'factura');
    const code = fce && voucherType(plain + 200) ? plain + 200 : plain;
    fields.letter = field(letterFound.letter, source, letterFound.conf);
    fields.type = field(code, source, letterFound.conf * (kind ? 0.95 : 0.8));
  }
  if (!fields.type) {
    // Neither the letter nor the code was legible: the rest of the page still says which it is.
    const all = fold(lines.map((l) => l.text).join('\n'));
    // `IVA 21%: $ 312,40`, `IVA INSC. 21%   11048.88`, `I.V.A. R.inscr. 21,00 %   8.124,22`, `IVA 21: 482.79`.
    // OCR reads the I of I.V.A. as `l` or `1`; rates come as `10,50%` or `Detalle IVA: 21.00%: $5.050,41`.
    const ivaByRate = /(?:^|[^a-z0-9])[il1|]\.?\s?v\.?\s?a\.?[a-z.: ]{0,14}(21|10[.,]5|27)0?(?:[.,]0{1,2})?\s*%?\s*:?\s*\$?\s*[1-9]/.test(all);
    // The issuer's IVA condition is printed before the receiver's: a monotributista issuer means C.
    const mono = all.indexOf('monotribut');
    const issuerMonotributo = mono >= 0 && !all.slice(0, mono).includes('inscript');
    const letter: InvoiceLetter = ivaByRate ? 'A' : issuerMonotributo ? 'C' : 'B';
    fields.letter = field(letter, source, 0.5);
    const plain = voucherCode(letter, kind ?? 'factura');
    fields.type = field(fce && voucherType(plain + 200) ? plain + 200 : plain, source, 0.5);
  }
  fields.currency ??= field('PES', source, 0.9);
}

type ColumnKind = 'code' | 'desc' | 'qty' | 'unit' | 'price' | 'discount' | 'discountAmount' | 'net' | 'iva' | 'gross' | 'amount';

const COLUMN_PATTERNS: [ColumnKind, RegExp][] = [
  ['gross', /(subtotal|total|importe)\s*c\s*\/\s*iva/g],
  ['discountAmount', /imp\.?\s*bonif\.?/g],
  ['discount', /(%\s*bonif\.?|bonif\.?\s*%|%\s*dto\.?|dto\.?\s*%|%\s*desc\.?|bonif\.?)/g],
  ['iva', /(alicuota\s*iva|alic\.?\s*iva|alicuota|alic\.?|iva\s*%|%\s*iva|\biva\b)/g],
  ['price', /(precio\s*unit\.?(ario)?|p\.?\s*unit\.?(ario)?|precio|unitario)/g],
  ['unit', /(u\.?\s*medida|unidad\s*de\s*medida|\bu\.?\s?m\.?(?=\s|$)|\bunidad\b)/g],
  ['qty', /\bcant(idad|\.)?/g],
  ['desc', /(descripcion|producto\s*\/\s*servicio|producto|detalle|concepto|articulo)/g],
  ['code', /\b(codigo|cod\.?|art\.?)(?=\s|$)/g],
  // No word boundary after: headers printed tight run together (`SubtotalAlíc. IVA`).
  ['net', /\bsubtotal(?!\s*c\s*\/)/g],
  ['amount', /\b(importe|total)\b/g],
];

/** Reads the table header into an ordered list of columns, or null when the line is not one. */
function parseColumns(text: string): ColumnKind[] | null {
  const f = fold(text);
  if (!/(descripcion|producto|detalle|concepto|articulo)/.test(f) || !/\bcant/.test(f)) return null;
  const taken: { start: number; end: number; kind: ColumnKind }[] = [];
  for (const [kind, re] of COLUMN_PATTERNS) {
    for (const m of f.matchAll(re)) {
      const start = m.index;
      const end = start + m[0].length;
      if (taken.some((t) => start < t.end && end > t.start)) continue;
      taken.push({ start, end, kind });
    }
  }
  taken.sort((a, b) => a.start - b.start);
  const cols = taken.map((t) => t.kind);
  return cols.includes('qty') && cols.includes('desc') ? cols : null;
}

const TOTALS_LABEL = /(importe\s+neto|neto\s+gravado|\bsubtotal\b(?!\s*c\s*\/)|importe\s+total|^\s*total\b|\btotal\s*:|\btotal\s+\$|otros\s+tributos|importe\s+exento|percep|\biva\s*\d{1,2}([.,]\d{1,2})?\s*%\s*:?\s*\$?\s*[\d.,]+\s*$)/;

function isNumberToken(t: string): boolean {
  return NUMBER_TOKEN.test(t);
}

function num(t: string, scale: number): bigint | null {
  return parseArDecimal(t.replace(/[$()]/g, ''), scale);
}

/** EAN-8/UPC-A/EAN-13/DUN-14 check digit. */
export function isValidGtin(code: string): boolean {
  if (!/^(\d{8}|\d{12}|\d{13}|\d{14})$/.test(code)) return false;
  const digits = [...code].map(Number);
  const check = digits.pop()!;
  let sum = 0;
  for (let i = digits.length - 1, w = 3; i >= 0; i--, w = w === 3 ? 1 : 3) sum += digits[i]! * w;
  return (10 - (sum % 10)) % 10 === check;
}

interface RowValues {
  code?: string;
  qty?: bigint;
  unit?: LineUnit;
  price?: bigint;
  discount?: bigint;
  net?: bigint;
  iva?: IvaRate | null;
  gross?: bigint;
  amount?: bigint;
  desc: string;
}

/** Splits a table row along the header's columns: the ones left of the description from the left, the rest from the right. */
function splitRow(tokens: string[], cols: ColumnKind[]): RowValues | null {
  const descAt = cols.indexOf('desc');
  const left = cols.slice(0, descAt);
  const right = cols.slice(descAt + 1);
  const toks = [...tokens];
  const out: RowValues = { desc: '' };
  for (const col of left) {
    const t = toks[0];
    if (t === undefined) return null;
    if (col === 'code') {
      if (!/\d/.test(t) && !/^[A-Z]{1,4}[-.]?\d*$/.test(t)) continue;
      out.code = toks.shift()!;
    } else if (col === 'unit') {
      if (unitOf(t)) out.unit = unitOf(toks.shift()!);
    } else if (!assign(out, col, toks.shift()!)) return null;
  }
  for (let i = right.length - 1; i >= 0; i--) {
    const col = right[i]!;
    while (toks.length && /^\$$/.test(toks[toks.length - 1]!)) toks.pop();
    const t = toks[toks.length - 1];
    if (t === undefined) return null;
    if (col === 'unit') {
      if (unitOf(t) && toks.length > 1) out.unit = unitOf(toks.pop()!);
      continue;
    }
    if (!isNumberToken(t)) {
      // Some layouts leave the IVA or discount cell empty; anything else missing spoils the row.
      if (col === 'iva' || col === 'discount' || col === 'discountAmount') continue;
      return null;
    }
    if (!assign(out, col, toks.pop()!)) return null;
  }
  while (toks.length && /^\$$/.test(toks[toks.length - 1]!)) toks.pop();
  out.desc = toks.join(' ').trim();
  return out;
}

function assign(out: RowValues, col: ColumnKind, token: string): boolean {
  switch (col) {
    case 'qty': {
      const v = num(token, QTY);
      if (v === null) return false;
      out.qty = v;
      return true;
    }
    case 'price':
    case 'net':
    case 'gross':
    case 'amount':
    case 'discountAmount': {
      const v = num(token, MONEY);
      if (v === null) return false;
      if (col === 'price') out.price = v;
      else if (col === 'net') out.net = v;
      else if (col === 'gross') out.gross = v;
      else if (col === 'amount') out.amount = v;
      return true;
    }
    case 'discount': {
      const v = num(token, MONEY);
      if (v === null) return false;
      out.discount = v;
      return true;
    }
    case 'iva': {
      const rate = toIvaRate(token);
      out.iva = rate;
      return rate !== null || /^\d/.test(token);
    }
    case 'code':
      out.code = token;
      return true;
    default:
      return true;
  }
}

/** Without a readable header: numbers at the end of the row, solved by qty × price ≈ amount. */
function solveRow(tokens: string[]): RowValues | null {
  const toks = [...tokens];
  const tail: string[] = [];
  let unit: LineUnit | undefined;
  while (toks.length > 1) {
    const t = toks[toks.length - 1]!;
    if (isNumberToken(t) || t === '$') tail.unshift(toks.pop()!);
    else if (unitOf(t) && tail.length > 0 && !unit) {
      unit = unitOf(t);
      toks.pop();
    } else break;
  }
  const nums = tail.filter((t) => t !== '$');
  if (nums.length < 3) return null;
  let code: string | undefined;
  if (toks.length > 1 && /\d/.test(toks[0]!) && /^[A-Za-z0-9.\-/]{3,20}$/.test(toks[0]!)) code = toks.shift();
  for (let i = 0; i < nums.length - 2; i++) {
    const q = num(nums[i]!, QTY);
    if (q === null || q <= 0n) continue;
    for (let j = i + 1; j < nums.length - 1; j++) {
      const p = num(nums[j]!, MONEY);
      if (p === null || nums[j]!.endsWith('%')) continue;
      const expected = mulScaled(q, p, QTY);
      for (let k = j + 1; k < nums.length; k++) {
        const a = num(nums[k]!, MONEY);
        if (a === null || nums[k]!.endsWith('%')) continue;
        if (approxEqual(expected, a, 0.01)) {
          const ivaToken = nums.slice(k + 1).concat(nums.slice(j + 1, k)).find((t) => t.endsWith('%') && toIvaRate(t));
          return { code, qty: q, price: p, amount: a, unit, iva: ivaToken ? toIvaRate(ivaToken) : null, desc: toks.join(' ') };
        }
      }
    }
  }
  return null;
}

function parseLines(lines: TextLine[], source: FieldSource): { items: ParsedLine[]; end: number } {
  let cols: ColumnKind[] | null = null;
  let start = -1;
  for (let i = 0; i < lines.length; i++) {
    cols = parseColumns(lines[i]!.text);
    if (cols) {
      start = i + 1;
      break;
    }
  }
  const items: ParsedLine[] = [];
  let end = start >= 0 ? start : 0;
  if (start < 0) {
    // No header: rows are whatever solves qty × price ≈ amount before the totals block.
    start = 0;
  }
  for (let i = start; i < lines.length; i++) {
    const line = lines[i]!;
    const f = fold(line.text);
    if (TOTALS_LABEL.test(f) && items.length > 0) break;
    if (TOTALS_LABEL.test(f) && start > 0 && /(importe\s+neto|neto\s+gravado|importe\s+total|otros\s+tributos)/.test(f)) break;
    const tokens = joinSplitDecimals(line.text).trim().split(/\s+/).filter(Boolean);
    if (tokens.length < 3 || !/[A-Za-zÁÉÍÓÚÑáéíóúñ]{2,}/.test(line.text)) continue;
    const repaired = tokens.map((t) => (/\d/.test(t) && !/[a-z]{2,}/i.test(t) ? repairDigits(t) : t));
    const usable = (r: RowValues | null): r is RowValues => !!r && r.qty !== undefined && r.price !== undefined && !!r.desc && /[A-Za-zÁÉÍÓÚÑáéíóúñ]{2,}/.test(r.desc);
    const byHeader = cols ? splitRow(repaired, cols) : null;
    let item = usable(byHeader) ? toItem(byHeader, line, source) : null;
    // A header read wrong (merged or missing labels) shifts every column: when its reading
    // does not add up, the arithmetic reading of the row wins.
    if (!item?.arithmeticOk) {
      const solved = solveRow(repaired);
      const alt = usable(solved) ? toItem(solved, line, source) : null;
      if (alt && (alt.arithmeticOk || !item)) item = alt;
    }
    if (item) {
      items.push(item);
      end = i + 1;
    }
  }
  return { items, end };
}

/** Relative gap between two values (0 = equal). */
function ratio(a: bigint, b: bigint): number {
  if (a === 0n || b === 0n) return Infinity;
  return Math.abs(Number(a - b)) / Math.abs(Number(b));
}

/**
 * When qty × price ≠ amount, one of the three was misread. A value that the other two give
 * exactly (an integer quantity, a price in whole centavos), close to what was read, is taken
 * instead; on A invoices the line total with IVA is a fourth witness for the amount.
 */
function repairRow(qty: bigint, price: bigint, amount: bigint, row: RowValues): { qty: bigint; price: bigint; amount: bigint } | null {
  if (price > 0n && (amount * 1000n) % price === 0n) {
    const q = (amount * 1000n) / price;
    if (q > 0n && ratio(q, qty) < 0.5) return { qty: q, price, amount };
  }
  if (qty > 0n && (amount * 1000n) % qty === 0n) {
    const p = (amount * 1000n) / qty;
    if (p > 0n && ratio(p, price) < 0.5) return { qty, price: p, amount };
  }
  if (row.gross !== undefined && row.iva) {
    const computed = mulScaled(qty, price, QTY);
    const withIva = computed + mulScaled(computed, BigInt(Math.round(Number(row.iva) * 10)), 3);
    if (approxEqual(withIva, row.gross, 0, 1n)) return { qty, price, amount: computed };
  }
  return null;
}

function toItem(row: RowValues, line: TextLine, source: FieldSource): ParsedLine | null {
  let qty = row.qty!;
  let price = row.price!;
  let amount = row.net ?? row.amount ?? row.gross;
  const discounted = (q: bigint, p: bigint) => {
    const g = mulScaled(q, p, QTY);
    return row.discount ? g - mulScaled(g, row.discount, MONEY + 2) : g;
  };
  let arithmeticOk = amount !== undefined && approxEqual(discounted(qty, price), amount, 0.01);
  let repaired = false;
  if (amount !== undefined && !row.discount) {
    const exact = discounted(qty, price) === amount;
    const fix = exact ? null : repairRow(qty, price, amount, row);
    if (fix && (!arithmeticOk || (row.gross !== undefined && fix.amount !== amount))) {
      ({ qty, price, amount } = fix);
      arithmeticOk = true;
      repaired = true;
    }
  }
  const value = amount ?? discounted(qty, price);
  let description = row.desc.replace(/\s+/g, ' ').trim();
  let code: string | null = null;
  let barcode: string | null = null;
  const candidate = row.code ?? /^(\d{8}|\d{12,14})\s/.exec(description)?.[1];
  if (candidate && !row.code) description = description.slice(candidate.length).trim();
  if (candidate) {
    if (isValidGtin(candidate)) barcode = candidate;
    else code = candidate;
  }
  const base = source === 'text' ? TEXT_BASE : Math.min(OCR_CEILING, line.confidence ?? 0.8);
  return {
    code,
    barcode,
    description,
    quantity: formatScaled(qty, QTY, { trim: true }),
    unit: row.unit ?? 'unit',
    unitPrice: formatScaled(price, MONEY),
    ivaRate: row.iva ?? null,
    amount: formatScaled(value, MONEY),
    discountPercent: row.discount !== undefined ? formatScaled(row.discount, MONEY, { trim: true }) : null,
    confidence: Math.round(base * (arithmeticOk ? (repaired ? 0.85 : 1) : 0.6) * 1000) / 1000,
    arithmeticOk,
  };
}

function lastAmount(text: string): bigint | null {
  const tokens = text.trim().split(/\s+/).map((t) => (/\d/.test(t) ? repairDigits(t) : t));
  for (let i = tokens.length - 1; i >= 0; i--) {
    // `26.000,` — OCR lost the decimals after the comma; the integer part stands.
    const t = tokens[i]!.replace(/^\$/, '').replace(/(\d)[.,]$/, '$1');
    if (t.endsWith('%')) return null;
    if (/^\(?-?\d[\d.,]*\)?$/.test(t)) return num(t, MONEY);
  }
  return null;
}

/** Splits `Perc. IIBB 30,00 Importe Neto: $ 1000,00` after each amount that a new label follows. */
function labelAmountSegments(text: string): string[] {
  const tokens = text.trim().split(/\s+/);
  const out: string[] = [];
  let current: string[] = [];
  tokens.forEach((t, i) => {
    current.push(t);
    const next = tokens[i + 1];
    if (next && /^\(?-?\$?\d[\d.,]*\)?$/.test(t) && /^[A-Za-zÁÉÍÓÚÑáéíóúñ]{2,}/.test(next)) {
      out.push(current.join(' '));
      current = [];
    }
  });
  if (current.length) out.push(current.join(' '));
  return out;
}

/** Confidence of a total worked out from the net and taxes, or read only in words: never auto-posted. */
const DERIVED_TOTAL = 0.5;
/** A printed total that the amount in words contradicts: one of the two is misread. */
const WORDS_DISAGREE = 0.4;

function parseTotals(lines: TextLine[], from: number, source: FieldSource, fields: InvoiceFields, otherTaxes: OtherTax[]): { derived: boolean } {
  const iva: Partial<Record<IvaRate, bigint>> = {};
  let ivaConf = 1;
  let otherSummary: bigint | undefined;
  let otherConf = 1;
  const details: { label: string; amount: bigint; conf: number }[] = [];
  // Two-column blocks (other taxes left, totals right) share a printed line: one label+amount each.
  const segments = lines.slice(from).flatMap((line) => labelAmountSegments(line.text).map((text) => ({ ...line, text })));
  for (const line of segments) {
    const text = repairLine(line.text);
    const f = fold(text);
    const conf = baseConfidence(source, line);
    // Informative IVA contained in a consumer price (Ley 27.743): not an amount to add up.
    if (/(contenido|transparencia|27\.?743)/.test(f)) continue;
    const amount = lastAmount(text);
    if (amount === null) continue;
    if (/(importe\s+total|^\s*total\b|\btotal\s*(a\s+pagar|factura)?\s*[:$]|\btotal\s*$|\btotal\s+\d)/.test(f) && !/(subtotal|otros|bonif|neto|cantidad|unidades|bultos|items?\b|articulos|impuestos)/.test(f)) {
      fields.total = field(formatScaled(amount, MONEY), source, conf);
    } else if (/(importe\s+neto|neto\s+gravado|\bsubtotal\b|\bneto\b)/.test(f) && !/no\s+gravado/.test(f)) {
      if (!fields.net) fields.net = field(formatScaled(amount, MONEY), source, conf);
    } else if (/(exento|no\s+gravado)/.test(f)) {
      fields.exempt = field(formatScaled(amount, MONEY), source, conf);
    } else if (/otros\s+tributos/.test(f)) {
      otherSummary = amount;
      otherConf = conf;
    } else if (/(percep|perc\.|\biibb\b|ingresos\s+brutos|impuestos?\s+internos|imp\.?\s+int)/.test(f)) {
      details.push({ label: text.replace(/[\s$:]*\(?-?\d[\d.,]*\)?\s*$/, '').trim(), amount, conf });
    } else {
      const m = /\biva\s*(\d{1,2}(?:[.,]\d{1,2})?)\s*%/.exec(f);
      const rate = m ? toIvaRate(m[1]!) : null;
      if (rate && amount > 0n) {
        iva[rate] = amount;
        ivaConf = Math.min(ivaConf, conf);
      }
    }
  }
  if (!fields.total) {
    // A totals row: labels on one line (`SUBTOTAL  DESCUENTO … TOTAL`), the amounts on the next; the total is the last one.
    for (let i = from; i < lines.length - 1; i++) {
      const f = fold(lines[i]!.text);
      if (!/\btotal\s*$/.test(f) || !/(subtotal|descuento|neto|iva)/.test(f)) continue;
      const amount = lastAmount(repairLine(lines[i + 1]!.text));
      if (amount !== null && amount > 0n) fields.total = field(formatScaled(amount, MONEY), source, baseConfidence(source, lines[i + 1]!) * 0.9);
      break;
    }
  }
  // The amount in words, anywhere on the page (it is often printed above the totals block).
  let words: bigint | null = null;
  for (const line of lines) {
    words = amountInWords(repairLine(line.text));
    if (words !== null) break;
  }
  let derived = false;
  if (words !== null && words > 0n) {
    const read = fields.total ? num(fields.total.value, MONEY) : null;
    if (!fields.total) fields.total = field(formatScaled(words, MONEY), source, DERIVED_TOTAL + 0.1);
    else if (read !== words && !(words % 100n === 0n && read !== null && read / 100n === words / 100n)) {
      // Words say pesos only (`...con 00/100` may be missing): only whole pesos are compared.
      fields.total = { ...fields.total, confidence: Math.min(fields.total.confidence, WORDS_DISAGREE) };
    }
  }
  // An invoice C prints no IVA: its total is the subtotal plus other taxes.
  const noIva = fields.letter?.value === 'C' && fields.letter.confidence > 0.5;
  if (!fields.total && fields.net && (Object.keys(iva).length > 0 || noIva)) {
    // No total read: the net plus the IVA (and other taxes) read, for review only.
    const net = num(fields.net.value, MONEY);
    if (net !== null) {
      const sum = net + Object.values(iva).reduce((a, v) => a + v!, 0n) + (otherSummary ?? details.reduce((a, d) => a + d.amount, 0n));
      fields.total = field(formatScaled(sum, MONEY), source, DERIVED_TOTAL);
      derived = true;
    }
  }
  if (Object.keys(iva).length > 0) {
    fields.iva = field(Object.fromEntries(Object.entries(iva).map(([r, v]) => [r, formatScaled(v!, MONEY)])), source, ivaConf);
  }
  for (const d of details) otherTaxes.push({ label: d.label, amount: formatScaled(d.amount, MONEY) });
  if (otherSummary !== undefined) fields.otherTaxes = field(formatScaled(otherSummary, MONEY), source, otherConf);
  else if (details.length > 0) {
    fields.otherTaxes = field(formatScaled(details.reduce((a, d) => a + d.amount, 0n), MONEY), source, Math.min(...details.map((d) => d.conf)));
  }
  return { derived };
}

function parseIssuerName(lines: TextLine[], source: FieldSource, fields: InvoiceFields): void {
  for (const line of lines.slice(0, 12)) {
    const m = /raz[oó]n\s+social\s*:?\s*(.+?)(?:\s{2,}|$)/i.exec(line.text);
    if (m && !/apellido/i.test(line.text)) {
      fields.issuerName = field(m[1]!.trim(), source, baseConfidence(source, line));
      return;
    }
  }
}

/**
 * Parses the text of an Argentine invoice (text layer or OCR, one entry per printed line, top
 * to bottom) into header fields, line items and totals, each with a confidence. Labels are
 * matched loosely (accents, abbreviations, OCR digit look-alikes), values are validated (CUIT
 * check digit, calendar dates, GTIN check digit, qty × price ≈ amount) and lose confidence when
 * they fail.
 */
export function parseInvoiceText(input: TextLine[] | string[] | string, source: FieldSource = 'text'): ParsedInvoiceText {
  const raw = typeof input === 'string' ? input.split(/\r?\n/) : input;
  const lines: TextLine[] = raw.map((l) => (typeof l === 'string' ? { text: l } : l)).filter((l) => l.text.trim() !== '');
  const fields: InvoiceFields = {};
  parseHeader(lines, source, fields);
  parseIssuerName(lines, source, fields);
  const { items, end } = parseLines(lines, source);
  const otherTaxesDetail: OtherTax[] = [];
  const { derived } = parseTotals(lines, end, source, fields, otherTaxesDetail);
  return { fields, lines: items, otherTaxesDetail, ...(derived ? { totalDerived: true } : {}) };
}


