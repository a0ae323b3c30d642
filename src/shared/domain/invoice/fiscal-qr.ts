import { cuitDigits, formatCuit, isValidCuit } from './cuit.js';
import { voucherType } from './voucher-types.js';
import { formatScaled, parseArDecimal } from './decimal.js';
import { FiscalQrError } from '../../errors.js';

/** The fiscal QR's JSON, normalized: CUIT formatted, amounts as decimal strings. */
export interface FiscalQrData {
  ver: number;
  /** YYYY-MM-DD */
  fecha: string;
  cuit: string;
  cuitValid: boolean;
  ptoVta: number;
  tipoCmp: number;
  nroCmp: number;
  /** Decimal string with 2 places. */
  importe: string;
  moneda: string;
  /** Exchange rate as printed (decimal string). */
  ctz: string;
  tipoDocRec?: number;
  nroDocRec?: string;
  tipoCodAut: 'E' | 'A';
  codAut: string;
}

/** Decodes standard or URL-safe base64, with or without `=` padding. */
export function decodeBase64Loose(text: string): Buffer {
  const cleaned = text.trim().replace(/\s+/g, '').replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
  if (!/^[A-Za-z0-9+/]*$/.test(cleaned) || cleaned.length % 4 === 1) throw new FiscalQrError('payload is not base64');
  return Buffer.from(cleaned + '='.repeat((4 - (cleaned.length % 4)) % 4), 'base64');
}

/** Pulls the base64 `p` parameter out of the QR text (a URL), or takes the text as the payload. */
export function fiscalQrPayload(qrText: string): string {
  const text = qrText.trim();
  if (/^https?:\/\//i.test(text) || text.includes('?p=')) {
    const m = /[?&]p=([^&#\s]+)/.exec(text);
    if (!m) throw new FiscalQrError('QR URL has no "p" parameter');
    return decodeURIComponent(m[1]!);
  }
  return text;
}

function int(v: unknown, name: string): number {
  const n = typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new FiscalQrError(`"${name}" is not a whole number`);
  return n;
}

function amount(v: unknown, name: string): string {
  if (typeof v === 'number' && Number.isFinite(v)) {
    // The JSON carries a number (178000.5); go through its shortest decimal text, never float math.
    const scaled = parseArDecimal(String(v).replace('.', ','), 2);
    if (scaled !== null) return formatScaled(scaled, 2);
  }
  if (typeof v === 'string') {
    const scaled = /^\d+(\.\d+)?$/.test(v.trim()) ? parseArDecimal(v.trim().replace('.', ','), 2) : parseArDecimal(v, 2);
    if (scaled !== null) return formatScaled(scaled, 2);
  }
  throw new FiscalQrError(`"${name}" is not an amount`);
}

/**
 * Decodes the text of a fiscal QR (the URL `https://www.afip.gob.ar/fe/qr/?p=…` or the bare
 * payload) into its normalized fields. Throws `FiscalQrError` when it is not a fiscal QR.
 */
export function decodeFiscalQr(qrText: string): FiscalQrData {
  const payload = fiscalQrPayload(qrText);
  let json: unknown;
  try {
    json = JSON.parse(decodeBase64Loose(payload).toString('utf8'));
  } catch (err) {
    if (err instanceof FiscalQrError) throw err;
    throw new FiscalQrError('payload is not JSON');
  }
  if (!json || typeof json !== 'object') throw new FiscalQrError('payload is not a JSON object');
  const o = json as Record<string, unknown>;
  const fecha = typeof o.fecha === 'string' ? o.fecha.trim() : '';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(fecha) || Number.isNaN(Date.parse(`${fecha}T00:00:00Z`))) throw new FiscalQrError('"fecha" is not YYYY-MM-DD');
  const cuitText = String(o.cuit ?? '');
  const digits = cuitDigits(cuitText);
  if (!digits) throw new FiscalQrError('"cuit" is not 11 digits');
  const tipoCmp = int(o.tipoCmp, 'tipoCmp');
  if (!voucherType(tipoCmp)) throw new FiscalQrError(`"tipoCmp" ${tipoCmp} is not a known voucher type`);
  const tipoCodAut = String(o.tipoCodAut ?? 'E').toUpperCase();
  if (tipoCodAut !== 'E' && tipoCodAut !== 'A') throw new FiscalQrError('"tipoCodAut" must be E or A');
  const codAut = String(o.codAut ?? '').replace(/\D/g, '');
  if (codAut.length !== 14) throw new FiscalQrError('"codAut" is not 14 digits');
  return {
    ver: o.ver === undefined ? 1 : int(o.ver, 'ver'),
    fecha,
    cuit: formatCuit(digits),
    cuitValid: isValidCuit(digits),
    ptoVta: int(o.ptoVta, 'ptoVta'),
    tipoCmp,
    nroCmp: int(o.nroCmp, 'nroCmp'),
    importe: amount(o.importe, 'importe'),
    moneda: typeof o.moneda === 'string' && o.moneda.trim() ? o.moneda.trim().toUpperCase() : 'PES',
    ctz: o.ctz === undefined ? '1' : String(o.ctz),
    ...(o.tipoDocRec !== undefined ? { tipoDocRec: int(o.tipoDocRec, 'tipoDocRec') } : {}),
    ...(o.nroDocRec !== undefined ? { nroDocRec: String(o.nroDocRec) } : {}),
    tipoCodAut,
    codAut,
  };
}

/** Builds the QR URL for known data (used by the corpus generator and tests). */
export function encodeFiscalQr(data: Record<string, unknown>, { urlSafe = false, padding = true } = {}): string {
  let b64 = Buffer.from(JSON.stringify(data), 'utf8').toString('base64');
  if (urlSafe) b64 = b64.replace(/\+/g, '-').replace(/\//g, '_');
  if (!padding) b64 = b64.replace(/=+$/, '');
  return `https://www.afip.gob.ar/fe/qr/?p=${b64}`;
}
