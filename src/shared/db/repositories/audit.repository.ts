import type { Transaction } from 'kysely';
import type { Database, DB } from '../database.js';
import '../tables/audit.js';

/** Who made a change: an API key, a signed-in user, or the system (a worker). */
export interface AuditActor {
  kind: 'api_key' | 'user' | 'system';
  id: number | null;
  name: string | null;
  role: string | null;
  address: string | null;
  requestId: string | null;
}

export interface AuditChange {
  /** Verb in the past, dotted by entity: `price.changed`, `pricing_rule.deleted`, `invoice.posted`. */
  action: string;
  entityType: string;
  entityId: string | number;
  before?: unknown;
  after?: unknown;
}

/** Records a change inside a use case's own transaction (the route supplies who). */
export type AuditHook = (trx: Transaction<DB>, change: AuditChange) => Promise<void>;

/** Appends one audit event in the caller's transaction: the change and its record commit together. */
export async function recordAudit(trx: Transaction<DB>, actor: AuditActor, change: AuditChange): Promise<void> {
  await trx
    .insertInto('audit_events')
    .values({
      actor_kind: actor.kind,
      actor_id: actor.id,
      actor_name: actor.name,
      actor_role: actor.role,
      address: actor.address,
      request_id: actor.requestId,
      action: change.action,
      entity_type: change.entityType,
      entity_id: String(change.entityId),
      before: change.before === undefined ? null : JSON.stringify(change.before),
      after: change.after === undefined ? null : JSON.stringify(change.after),
    })
    .execute();
}

export interface AuditFilter {
  action?: string;
  entityType?: string;
  entityId?: string;
  actorKind?: 'api_key' | 'user' | 'system';
  actorId?: number;
  from?: Date;
  to?: Date;
  beforeId?: number;
  limit: number;
}

export async function listAuditEvents(db: Database, f: AuditFilter) {
  let q = db.selectFrom('audit_events').selectAll().orderBy('id', 'desc').limit(f.limit + 1);
  if (f.action) q = q.where('action', '=', f.action);
  if (f.entityType) q = q.where('entity_type', '=', f.entityType);
  if (f.entityId) q = q.where('entity_id', '=', f.entityId);
  if (f.actorKind) q = q.where('actor_kind', '=', f.actorKind);
  if (f.actorId !== undefined) q = q.where('actor_id', '=', f.actorId);
  if (f.from) q = q.where('occurred_at', '>=', f.from);
  if (f.to) q = q.where('occurred_at', '<', f.to);
  if (f.beforeId !== undefined) q = q.where('id', '<', f.beforeId);
  const rows = await q.execute();
  const more = rows.length > f.limit;
  const items = rows.slice(0, f.limit).map((r) => ({
    id: r.id,
    occurredAt: r.occurred_at,
    actor: { kind: r.actor_kind, id: r.actor_id, name: r.actor_name, role: r.actor_role, address: r.address, requestId: r.request_id },
    action: r.action,
    entityType: r.entity_type,
    entityId: r.entity_id,
    before: r.before,
    after: r.after,
  }));
  return { items, more, lastId: items.at(-1)?.id };
}
