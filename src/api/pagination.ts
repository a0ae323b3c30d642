import { ValidationError } from '../shared/errors.js';

/** Opaque cursors over a numeric key (the last id of the previous page). */
export const encodeCursor = (id: number | null, more: boolean) => (more && id !== null ? Buffer.from(`i${id}`).toString('base64url') : null);

export function decodeCursor(cursor: string | undefined): number | undefined {
  if (!cursor) return undefined;
  const text = Buffer.from(cursor, 'base64url').toString();
  const id = /^i(\d{1,15})$/.exec(text)?.[1];
  if (!id) throw new ValidationError('the cursor is not one this API returned; pass nextCursor from the previous page', [{ path: 'cursor', message: 'invalid cursor' }]);
  return Number(id);
}

/** Opaque cursors over a position in a ranked result (search): the rows already returned. */
export const encodeOffsetCursor = (offset: number | null, more: boolean) => (more && offset !== null ? Buffer.from(`o${offset}`).toString('base64url') : null);

export function decodeOffsetCursor(cursor: string | undefined): number | undefined {
  if (!cursor) return undefined;
  const offset = /^o(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString())?.[1];
  if (!offset) throw new ValidationError('the cursor is not one this API returned; pass nextCursor from the previous page', [{ path: 'cursor', message: 'invalid cursor' }]);
  return Number(offset);
}
