import { cuitCheckDigit } from '../../../src/shared/domain/invoice/cuit.js';
import { divRound, mulScaled } from '../../../src/shared/domain/invoice/decimal.js';
import { voucherCode, type IvaRate } from '../../../src/shared/domain/invoice/voucher-types.js';
import { CATALOG, type CatalogProduct } from './catalog.js';

/** Deterministic PRNG (mulberry32): the same seed renders the same corpus. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Rand = ReturnType<typeof rng>;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: Rand, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

/** A valid CUIT with the given prefix, drawn from the PRNG (skipping bodies whose check digit is invalid). */
export function randomCuit(r: Rand, prefix: string): string {
  for (;;) {
    const body = prefix + String(int(r, 10_000_000, 39_999_999));
    const d = cuitCheckDigit(body);
    if (d !== null) return body + String(d);
  }
}

export interface SpecLine {
  product: CatalogProduct;
  code: string | null;
  barcode: string | null;
  description: string;
  /** Thousandths. */
  quantity: bigint;
  unit: 'unit' | 'kg' | 'l';
  /** Centavos: net of IVA on A, IVA included on B, plain on C. */
  unitPrice: bigint;
  ivaRate: IvaRate | null;
  /** Centavos, qty × unit price. */
  amount: bigint;
}

export type LayoutName = 'afip' | 'distribuidora';
export type FontFamily = 'arimo' | 'dejavu-sans' | 'tinos' | 'dejavu-serif' | 'cousine' | 'dejavu-mono';

export interface InvoiceSpec {
  id: string;
  letter: 'A' | 'B' | 'C';
  type: number;
  pointOfSale: number;
  number: number;
  issueDate: string;
  cae: string;
  caeDueDate: string;
  issuer: { name: string; cuit: string; address: string; ivaCondition: string; iibb: string; startDate: string };
  receiver: { name: string; cuit: string; address: string; ivaCondition: string };
  lines: SpecLine[];
  net: bigint;
  iva: Partial<Record<IvaRate, bigint>>;
  otherTaxes: { label: string; amount: bigint }[];
  total: bigint;
  /** IVA contained in a B invoice's prices (Ley 27.743), printed for information only. */
  ivaContained: bigint | null;
  qr: null | { urlSafe: boolean; padding: boolean };
  layout: LayoutName;
  font: FontFamily;
}

const SUPPLIERS = ['DISTRIBUIDORA DEL PLATA S.A.', 'MAYORISTA SAN MARTIN S.R.L.', 'ALIMENTOS DEL SUR S.A.', 'LOGISTICA NORTE SRL', 'COMERCIAL RIVADAVIA S.A.'];
const SHOPS = ['ALMACEN DON JOSE', 'MINIMERCADO LA ESQUINA', 'AUTOSERVICIO EL SOL', 'DESPENSA MARTA'];
const STREETS = ['Av. Corrientes', 'Av. Rivadavia', 'Calle Mitre', 'Av. San Martin', 'Belgrano'];

function isoDay(r: Rand): string {
  const y = pick(r, [2024, 2025, 2026]);
  const m = int(r, 1, 12);
  const d = int(r, 1, 28);
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export interface SpecOptions {
  letter: 'A' | 'B' | 'C';
  layout: LayoutName;
  font: FontFamily;
  qr: boolean;
  lineCount?: number;
}

/** A random but consistent invoice: amounts add up exactly the way ARCA computes them. */
export function makeInvoiceSpec(seed: number, opts: SpecOptions): InvoiceSpec {
  const r = rng(seed);
  const letter = opts.letter;
  const products = [...CATALOG].sort(() => r() - 0.5).slice(0, opts.lineCount ?? int(r, 3, 7));
  const lines: SpecLine[] = products.map((p) => {
    const quantity = p.unit === 'kg' ? BigInt(int(r, 1_000, 9_999)) : BigInt(int(r, 1, 12) * 1000);
    const net = BigInt(p.netPriceCents);
    const rate = p.ivaRate;
    const unitPrice = letter === 'A' ? net : letter === 'B' ? divRound(net * (1000n + BigInt(Number(rate) * 10)), 1000n) : net;
    const codeStyle = r();
    return {
      product: p,
      code: codeStyle < 0.45 ? p.sku.replace('SKU-', 'A') : null,
      barcode: codeStyle >= 0.45 ? p.barcode : null,
      description: p.supplierDescription,
      quantity,
      unit: p.unit,
      unitPrice,
      ivaRate: letter === 'A' ? rate : null,
      amount: mulScaled(quantity, unitPrice, 3),
    };
  });
  const net = lines.reduce((a, l) => a + l.amount, 0n);
  const iva: Partial<Record<IvaRate, bigint>> = {};
  if (letter === 'A') {
    for (const l of lines) iva[l.ivaRate!] = (iva[l.ivaRate!] ?? 0n) + l.amount;
    for (const rate of Object.keys(iva) as IvaRate[]) iva[rate] = divRound(iva[rate]! * BigInt(Number(rate) * 10), 1000n);
  }
  const otherTaxes = letter === 'A' && r() < 0.6 ? [{ label: 'Percepción IIBB', amount: divRound(net * 3n, 100n) }] : [];
  const ivaSum = Object.values(iva).reduce((a, b) => a + b!, 0n);
  const total = net + ivaSum + otherTaxes.reduce((a, t) => a + t.amount, 0n);
  const ivaContained =
    letter === 'B'
      ? lines.reduce((a, l) => {
          const rate = BigInt(Number(l.product.ivaRate) * 10);
          return a + divRound(l.amount * rate, 1000n + rate);
        }, 0n)
      : null;
  const issueDate = isoDay(r);
  const issuerPrefix = letter === 'C' ? pick(r, ['20', '23', '27']) : pick(r, ['30', '33']);
  return {
    id: `inv-${seed}-${letter}-${opts.layout}`,
    letter,
    type: voucherCode(letter, 'factura'),
    pointOfSale: int(r, 1, 40),
    number: int(r, 1, 99_999),
    issueDate,
    cae: String(int(r, 70_000_000, 79_999_999)) + String(int(r, 100_000, 999_999)),
    caeDueDate: addDays(issueDate, 10),
    issuer: {
      name: letter === 'C' ? 'GOMEZ RAUL ALBERTO' : pick(r, SUPPLIERS),
      cuit: randomCuit(r, issuerPrefix),
      address: `${pick(r, STREETS)} ${int(r, 100, 5999)} - CABA`,
      ivaCondition: letter === 'C' ? 'Responsable Monotributo' : 'IVA Responsable Inscripto',
      iibb: `901-${int(r, 100_000, 999_999)}-${int(r, 0, 9)}`,
      startDate: `0${int(r, 1, 9)}/0${int(r, 1, 9)}/20${int(r, 10, 19)}`,
    },
    receiver: {
      name: pick(r, SHOPS),
      cuit: randomCuit(r, letter === 'A' ? '30' : pick(r, ['20', '27'])),
      address: `${pick(r, STREETS)} ${int(r, 100, 5999)} - CABA`,
      ivaCondition: letter === 'A' ? 'IVA Responsable Inscripto' : 'Responsable Monotributo',
    },
    lines,
    net,
    iva,
    otherTaxes,
    total,
    ivaContained,
    qr: opts.qr ? { urlSafe: r() < 0.5, padding: r() < 0.5 } : null,
    layout: opts.layout,
    font: opts.font,
  };
}

/** The fiscal QR JSON ARCA would print for this invoice. */
export function qrJson(spec: InvoiceSpec): Record<string, unknown> {
  return {
    ver: 1,
    fecha: spec.issueDate,
    cuit: Number(spec.issuer.cuit),
    ptoVta: spec.pointOfSale,
    tipoCmp: spec.type,
    nroCmp: spec.number,
    importe: Number(spec.total) / 100,
    moneda: 'PES',
    ctz: 1,
    tipoDocRec: 80,
    nroDocRec: Number(spec.receiver.cuit),
    tipoCodAut: 'E',
    codAut: Number(spec.cae),
  };
}
