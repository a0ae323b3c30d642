/** Description normalization and pack sizes, for matching invoice lines to the catalog. */

const CONTENT_UNITS = 'kg|kgs|kilo|kilos|g|gr|grs|gramos|mg|l|lt|lts|litro|litros|ml|cc|cm3|m|mts|cm';

/**
 * Lowercase, no accents, no punctuation, one space between words, decimal commas as dots and
 * content sizes glued to their unit (`1,5 Lt` → `1.5l`, `500 GRS` → `500g`), so two spellings of
 * the same product compare equal.
 */
export function normalizeDescription(text: string): string {
  let s = text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  s = s.replace(/(\d),(\d)/g, '$1.$2');
  s = s.replace(/[^a-z0-9.%]+/g, ' ').replace(/(^|\s)\.+|\.+(\s|$)/g, ' ');
  s = s.replace(new RegExp(`(\\d+(?:\\.\\d+)?)\\s*(${CONTENT_UNITS})\\b`, 'g'), (_, n: string, u: string) => `${n}${canonicalUnit(u)}`);
  return s.replace(/\s+/g, ' ').trim();
}

function canonicalUnit(u: string): string {
  if (/^(kg|kgs|kilo|kilos)$/.test(u)) return 'kg';
  if (/^(g|gr|grs|gramos)$/.test(u)) return 'g';
  if (/^(l|lt|lts|litro|litros)$/.test(u)) return 'l';
  if (/^(cc|cm3|ml)$/.test(u)) return 'ml';
  if (/^(m|mts)$/.test(u)) return 'm';
  return u;
}

export interface PackSize {
  /** Units per pack (≥ 2), or 1 when the description names no pack. */
  units: number;
  /** The description with the pack marker removed (for alias and fuzzy matching). */
  description: string;
}

/**
 * Finds a pack size in a description: `x12`, `X 12 U`, `pack 6`, `caja x 24 un`, `bulto 12u`,
 * `12 x 1.5 L`. A size followed by a content unit (`x 500 g`, `x1 kg`) is the content, not a pack.
 */
export function extractPackSize(description: string): PackSize {
  const norm = normalizeDescription(description);
  const patterns: RegExp[] = [
    new RegExp(`(?:^|\\s)(?:pack|caja|bulto|display|fardo|paq|paquete)\\s*(?:x\\s*)?(\\d{1,3})(?:\\s*(?:u|un|uni|unid|unidades))?(?=\\s|$)`),
    new RegExp(`(?:^|\\s)x\\s*(\\d{1,3})(?:\\s*(?:u|un|uni|unid|unidades))?(?=\\s|$)(?!\\s*(?:${CONTENT_UNITS})\\b)`),
    new RegExp(`(?:^|\\s)(\\d{1,3})\\s*x\\s*(?=\\d+(?:\\.\\d+)?(?:${CONTENT_UNITS})\\b)`),
    new RegExp(`(?:^|\\s)(\\d{1,3})\\s*(?:u|un|uni|unid|unidades)(?=\\s|$)`),
  ];
  for (const re of patterns) {
    const m = re.exec(norm);
    if (!m) continue;
    const units = Number(m[1]);
    if (units < 2 || units > 500) continue;
    const rest = (norm.slice(0, m.index) + ' ' + norm.slice(m.index + m[0].length)).replace(/\s+/g, ' ').trim();
    return { units, description: rest };
  }
  return { units: 1, description: norm };
}
