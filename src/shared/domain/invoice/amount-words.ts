/**
 * The total printed in words (`SON PESOS: DOSCIENTOS OCHENTA Y NUEVE MIL DOSCIENTOS CON 00/100`):
 * a second, independent reading of the total that OCR rarely gets wrong in a way that still
 * parses (a misread word does not turn into another number word).
 */

const UNITS: Record<string, number> = {
  cero: 0, un: 1, uno: 1, una: 1, dos: 2, tres: 3, cuatro: 4, cinco: 5, seis: 6, siete: 7, ocho: 8, nueve: 9,
  diez: 10, once: 11, doce: 12, trece: 13, catorce: 14, quince: 15, dieciseis: 16, diecisiete: 17, dieciocho: 18, diecinueve: 19,
  veinte: 20, veintiun: 21, veintiuno: 21, veintiuna: 21, veintidos: 22, veintitres: 23, veinticuatro: 24, veinticinco: 25,
  veintiseis: 26, veintisiete: 27, veintiocho: 28, veintinueve: 29,
  treinta: 30, cuarenta: 40, cincuenta: 50, sesenta: 60, setenta: 70, ochenta: 80, noventa: 90,
  cien: 100, ciento: 100, doscientos: 200, doscientas: 200, trescientos: 300, trescientas: 300, cuatrocientos: 400, cuatrocientas: 400,
  quinientos: 500, quinientas: 500, seiscientos: 600, seiscientas: 600, setecientos: 700, setecientas: 700,
  ochocientos: 800, ochocientas: 800, novecientos: 900, novecientas: 900,
};

function fold(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

/** Integer value of a run of Spanish number words, or null when a word is not one. */
export function wordsToInteger(words: string[]): number | null {
  let total = 0;
  let group = 0;
  let any = false;
  for (const w of words) {
    if (w === 'y') continue;
    if (w in UNITS) {
      group += UNITS[w]!;
      any = true;
    } else if (w === 'mil') {
      total += (group || 1) * 1000;
      group = 0;
      any = true;
    } else if (w === 'millon' || w === 'millones') {
      total = (total + (group || 1)) * 1_000_000;
      group = 0;
      any = true;
    } else return null;
  }
  return any ? total + group : null;
}

/**
 * The amount in centavos from a line like `Son pesos: catorce mil ciento setenta y ocho.-` or
 * `SON PESOS: ... CON 50/100` (`Son pesos: — …`, `con cero/cien`, `con CERO.`); null when the line does not say an amount in words or a word in it
 * is not a number word (a misread word makes the whole reading void rather than wrong).
 */
export function amountInWords(line: string): bigint | null {
  const f = fold(line);
  // Cents as `CON 50/100`, `con cincuenta centavos`, `con cero/cien` or a bare `con CERO.`.
  const m = /\bson\s*:?\s*(?:pesos|\$)?[\s:\-–—]*([a-z ]+?)(?:\s+con\s+(\d{1,2})\s*(?:\/\s*100|centavos?|ctvos?\.?)|\s+con\s+([a-z ]+?)(?:\s*\/\s*(?:100|cien)|\s+centavos?)?)?\s*(?:[.\-–—]+|$)/.exec(f);
  if (!m) return null;
  const words = m[1]!.trim().split(/\s+/).filter((w) => w && w !== 'pesos');
  if (words.length === 0) return null;
  const pesos = wordsToInteger(words);
  if (pesos === null) return null;
  let cents = 0;
  if (m[2] !== undefined) cents = Number(m[2]);
  else if (m[3] !== undefined) {
    const c = wordsToInteger(m[3].trim().split(/\s+/));
    if (c === null || c > 99) return null;
    cents = c;
  }
  return BigInt(pesos) * 100n + BigInt(cents);
}
