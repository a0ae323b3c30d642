import type { Router } from 'express';
import { z } from 'zod';
import { csvField } from '../../shared/csv.js';
import { listAuditEvents } from '../../shared/db/repositories/audit.repository.js';
import { isoDateTime } from '../../shared/validation.js';
import type { ApiDeps } from '../deps.js';
import { ApiRouter, nextCursor as nextCursorSchema, timestamp } from '../openapi.js';
import { decodeCursor, encodeCursor } from '../pagination.js';

const querySchema = z.strictObject({
  action: z.string().trim().min(1).max(80).optional(),
  entityType: z.string().trim().min(1).max(40).optional(),
  entityId: z.string().trim().min(1).max(100).optional(),
  actorKind: z.enum(['api_key', 'user', 'system']).optional(),
  actorId: z.coerce.number().int().min(1).optional(),
  from: isoDateTime.transform((v) => new Date(v)).optional(),
  to: isoDateTime.transform((v) => new Date(v)).optional(),
  format: z.enum(['json', 'csv']).optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(100),
  cursor: z.string().optional(),
});

const eventSchema = z
  .strictObject({
    id: z.int(),
    occurredAt: timestamp,
    actor: z.strictObject({ kind: z.enum(['api_key', 'user', 'system']), id: z.int().nullable(), name: z.string().nullable(), role: z.string().nullable(), address: z.string().nullable(), requestId: z.string().nullable() }),
    action: z.string(),
    entityType: z.string(),
    entityId: z.string(),
    before: z.unknown().nullable(),
    after: z.unknown().nullable(),
  })
  .meta({ id: 'AuditEvent' });

const CSV_COLUMNS = ['id', 'occurredAt', 'actorKind', 'actorId', 'actorName', 'actorRole', 'address', 'requestId', 'action', 'entityType', 'entityId', 'before', 'after'];

/** `GET /v1/audit-events` (admin): filters by action, entity, actor and time; `format=csv` for a spreadsheet. */
export function auditEventsRouter({ db }: ApiDeps): Router {
  const api = new ApiRouter('/v1/audit-events');
  api.route('get', '/', {
    summary: 'Audit trail: who changed prices, rules, products, users, keys and invoices (before/after), newest first',
    description: 'JSON pages, or CSV with ?format=csv or Accept: text/csv.',
    roles: [],
    query: querySchema,
    responses: {
      200: {
        description: 'audit events (JSON page or CSV)',
        schema: z.strictObject({ items: z.array(eventSchema), nextCursor: nextCursorSchema }),
        alternatives: { 'text/csv': z.string().meta({ description: `columns ${CSV_COLUMNS.join(', ')}` }) },
      },
    },
  }, async (req, res, { query: f }) => {
    const page = await listAuditEvents(db, { ...f, beforeId: decodeCursor(f.cursor) });
    const nextCursor = encodeCursor(page.lastId ?? null, page.more);
    const csv = f.format === 'csv' || (f.format === undefined && req.accepts(['application/json', 'text/csv']) === 'text/csv');
    if (!csv) return void res.json({ items: page.items, nextCursor });
    if (nextCursor) res.setHeader('Link', `<?cursor=${nextCursor}>; rel="next"`);
    res.type('text/csv; charset=utf-8').setHeader('Content-Disposition', 'attachment; filename="audit-events.csv"');
    const rows = page.items.map((e) =>
      [e.id, e.occurredAt.toISOString(), e.actor.kind, e.actor.id, e.actor.name, e.actor.role, e.actor.address, e.actor.requestId, e.action, e.entityType, e.entityId, e.before === null ? null : JSON.stringify(e.before), e.after === null ? null : JSON.stringify(e.after)]
        .map((v) => csvField(v as string | number | null))
        .join(','),
    );
    res.send(`${CSV_COLUMNS.join(',')}\r\n${rows.map((r) => `${r}\r\n`).join('')}`);
  });
  return api.router;
}
