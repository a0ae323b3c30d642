import { Router } from 'express';
import { z } from 'zod';
import { csvField } from '../../shared/csv.js';
import { listAuditEvents } from '../../shared/db/repositories/audit.repository.js';
import { isoDateTime } from '../../shared/validation.js';
import type { ApiDeps } from '../deps.js';
import { requireRole } from '../middleware/auth.js';
import { parseInput } from '../middleware/validate.js';
import { registerOperations } from '../openapi.js';
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

registerOperations('/v1/audit-events', {
  get: { summary: 'Audit trail: who changed prices, rules, products, users, keys and invoices, newest first (JSON pages or CSV)', role: 'admin', responses: { 200: 'audit events' } },
});

const CSV_COLUMNS = ['id', 'occurredAt', 'actorKind', 'actorId', 'actorName', 'actorRole', 'address', 'requestId', 'action', 'entityType', 'entityId', 'before', 'after'];

/** `GET /v1/audit-events` (admin): filters by action, entity, actor and time; `format=csv` for a spreadsheet. */
export function auditEventsRouter({ db }: ApiDeps): Router {
  const router = Router();
  router.get('/', requireRole(), async (req, res) => {
    const f = parseInput(querySchema, req.query, 'query');
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
  return router;
}
