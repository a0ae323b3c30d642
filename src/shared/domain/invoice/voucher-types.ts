/** ARCA voucher types (`tipoCmp`): the numeric code, its letter and its kind. */

export type InvoiceLetter = 'A' | 'B' | 'C' | 'M';
export type VoucherKind = 'factura' | 'nota_debito' | 'nota_credito';

export interface VoucherType {
  code: number;
  letter: InvoiceLetter;
  kind: VoucherKind;
  /** Factura de Crédito Electrónica MiPyMEs. */
  fce: boolean;
}

const TABLE: VoucherType[] = [
  { code: 1, letter: 'A', kind: 'factura', fce: false },
  { code: 2, letter: 'A', kind: 'nota_debito', fce: false },
  { code: 3, letter: 'A', kind: 'nota_credito', fce: false },
  { code: 6, letter: 'B', kind: 'factura', fce: false },
  { code: 7, letter: 'B', kind: 'nota_debito', fce: false },
  { code: 8, letter: 'B', kind: 'nota_credito', fce: false },
  { code: 11, letter: 'C', kind: 'factura', fce: false },
  { code: 12, letter: 'C', kind: 'nota_debito', fce: false },
  { code: 13, letter: 'C', kind: 'nota_credito', fce: false },
  { code: 51, letter: 'M', kind: 'factura', fce: false },
  { code: 52, letter: 'M', kind: 'nota_debito', fce: false },
  { code: 53, letter: 'M', kind: 'nota_credito', fce: false },
  { code: 201, letter: 'A', kind: 'factura', fce: true },
  { code: 202, letter: 'A', kind: 'nota_debito', fce: true },
  { code: 203, letter: 'A', kind: 'nota_credito', fce: true },
  { code: 206, letter: 'B', kind: 'factura', fce: true },
  { code: 207, letter: 'B', kind: 'nota_debito', fce: true },
  { code: 208, letter: 'B', kind: 'nota_credito', fce: true },
  { code: 211, letter: 'C', kind: 'factura', fce: true },
  { code: 212, letter: 'C', kind: 'nota_debito', fce: true },
  { code: 213, letter: 'C', kind: 'nota_credito', fce: true },
];

const BY_CODE = new Map(TABLE.map((t) => [t.code, t]));

export function voucherType(code: number): VoucherType | undefined {
  return BY_CODE.get(code);
}

/** The plain (non-FCE) code for a letter and kind: `('C', 'factura')` → 11. */
export function voucherCode(letter: InvoiceLetter, kind: VoucherKind): number {
  return TABLE.find((t) => !t.fce && t.letter === letter && t.kind === kind)!.code;
}

/** Whether the letter discriminates IVA on the invoice (A and M do; B includes it; C has none). */
export function discriminatesIva(letter: InvoiceLetter): boolean {
  return letter === 'A' || letter === 'M';
}

export const IVA_RATES = ['0', '2.5', '5', '10.5', '21', '27'] as const;
export type IvaRate = (typeof IVA_RATES)[number];

/** Normalizes a printed rate (`10,50`, `21 %`, `21.00`) to one of the legal IVA rates. */
export function toIvaRate(text: string): IvaRate | null {
  const n = Number(text.replace('%', '').replace(',', '.').trim());
  if (!Number.isFinite(n)) return null;
  return IVA_RATES.find((r) => Number(r) === n) ?? null;
}
