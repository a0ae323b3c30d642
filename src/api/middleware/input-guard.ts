import type { NextFunction, Request, Response } from 'express';
import { ValidationError } from '../../shared/errors.js';
import { CONTROL_CHARACTER_MESSAGE, findTextIssues, hasControlCharacters } from '../../shared/validation.js';

/**
 * Refuses, before any route runs, input text that PostgreSQL or a spreadsheet would choke on:
 * control characters (NUL included) and lone surrogates in the path, the query or any JSON
 * string or key, and JSON nested absurdly deep. One 400 lists every bad field.
 */
export function inputGuard(req: Request, _res: Response, next: NextFunction): void {
  const issues = [];
  let path: string;
  try {
    path = decodeURIComponent(req.path);
  } catch {
    throw new ValidationError('the URL path has broken percent-encoding', [{ path: '(path)', message: 'broken percent-encoding' }]);
  }
  if (hasControlCharacters(path)) issues.push({ path: '(path)', message: CONTROL_CHARACTER_MESSAGE });
  issues.push(...findTextIssues(req.query, 'query'));
  if (req.body !== undefined && typeof req.body === 'object') issues.push(...findTextIssues(req.body, ''));
  if (issues.length) {
    const errors = issues.map((i) => ({ path: i.path || '(root)', message: i.message }));
    throw new ValidationError(`the request is invalid: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, errors);
  }
  next();
}
