/**
 * Input rules shared by every route and job contract: text without control characters, real
 * calendar dates within a sane range, and the documented bounds of quantities and money. They
 * refuse bad input at the door (400 naming the field) instead of letting PostgreSQL fail on it.
 */
import { z } from 'zod';

/** C0 controls except tab/newline/carriage return, DEL, C1 controls, and lone UTF-16 surrogates. */
// eslint-disable-next-line no-control-regex
const CONTROL_OR_BROKEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether a string holds a control character (NUL included) or a lone surrogate. */
export function hasControlCharacters(text: string): boolean {
  return CONTROL_OR_BROKEN.test(text);
}

export const CONTROL_CHARACTER_MESSAGE = 'must be plain text: control characters (such as NUL) and broken Unicode are not accepted';

/** A text field: no control characters, at most `max` characters. */
export const safeText = (max = 500) => z.string().max(max).refine((s) => !hasControlCharacters(s), CONTROL_CHARACTER_MESSAGE);

/** Oldest and newest years the system accepts in dates (PostgreSQL and JS agree on all of them). */
export const MIN_YEAR = 1970;
export const MAX_YEAR = 2999;

const yearOk = (s: string) => {
  const y = Number(s.slice(0, 4));
  return y >= MIN_YEAR && y <= MAX_YEAR;
};

/** A real calendar day `YYYY-MM-DD` (no 2023-02-29), years 1970–2999. */
export const isoDay = z.iso.date({ message: 'must be a real calendar date YYYY-MM-DD' }).refine(yearOk, `the year must be between ${MIN_YEAR} and ${MAX_YEAR}`);

/** An ISO 8601 instant with offset, on a real calendar day, years 1970–2999. */
export const isoDateTime = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with offset, e.g. 2025-03-01T10:00:00-03:00' }).refine(yearOk, `the year must be between ${MIN_YEAR} and ${MAX_YEAR}`);

/** Largest quantity one movement may carry (units, kg or l): one billion. */
export const MAX_MOVEMENT_QUANTITY = 1_000_000_000;
/** Largest money amount accepted anywhere (a unit cost or price), in pesos: one hundred billion. */
export const MAX_MONEY_PESOS = 100_000_000_000;
export const MAX_MONEY_CENTS = MAX_MONEY_PESOS * 100;

/** Deepest JSON nesting a request body may have. */
export const MAX_JSON_DEPTH = 32;

export interface TextIssue {
  path: string;
  message: string;
}

/**
 * Walks parsed input (JSON body, query) without recursion and reports every string (key or value)
 * with control characters, and nesting deeper than `MAX_JSON_DEPTH`.
 */
export function findTextIssues(input: unknown, root: string, maxIssues = 20): TextIssue[] {
  const issues: TextIssue[] = [];
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: input, path: root, depth: 0 }];
  while (stack.length && issues.length < maxIssues) {
    const { value, path, depth } = stack.pop()!;
    if (typeof value === 'string') {
      if (hasControlCharacters(value)) issues.push({ path, message: CONTROL_CHARACTER_MESSAGE });
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) {
      issues.push({ path, message: `nesting deeper than ${MAX_JSON_DEPTH} levels is not accepted` });
      continue;
    }
    for (const [k, v] of Object.entries(value)) {
      const childPath = path ? `${path}.${k}` : k;
      if (hasControlCharacters(k)) issues.push({ path: childPath, message: `field name ${CONTROL_CHARACTER_MESSAGE}` });
      stack.push({ value: v, path: childPath, depth: depth + 1 });
    }
  }
  return issues;
}

const RESERVED_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

/** Why a category name is not acceptable, or undefined: letters, digits, spaces, `_ . -`; no `..`, no path or object-key tricks. */
export function categoryProblem(name: string): string | undefined {
  if (name.length < 1 || name.length > 60) return 'must be 1 to 60 characters';
  if (hasControlCharacters(name)) return CONTROL_CHARACTER_MESSAGE;
  if (!/^[\p{L}\p{N}][\p{L}\p{N} _.-]*$/u.test(name)) return 'must start with a letter or digit and hold only letters, digits, spaces, "_", "." and "-"';
  if (name.includes('..')) return 'must not contain ".."';
  if (RESERVED_NAMES.has(name)) return `"${name}" is a reserved name`;
  return undefined;
}

/** A product or pricing-rule category (trimmed, lower case). */
export const categoryName = z
  .string()
  .trim()
  .toLowerCase()
  .superRefine((v, ctx) => {
    const problem = categoryProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
