import type { Request } from 'express';
import { currentContext } from '../shared/context.js';
import { recordAudit, type AuditActor, type AuditHook } from '../shared/db/repositories/audit.repository.js';

/** The audit actor of a request: its API key or user, role, address and request id. */
export function auditActorOf(req: Request): AuditActor {
  const p = req.principal;
  const common = { address: req.ip ?? null, requestId: currentContext()?.requestId ?? null };
  if (!p) return { kind: 'system', id: null, name: null, role: null, ...common };
  return p.kind === 'session'
    ? { kind: 'user', id: p.user.id, name: p.user.username, role: p.role, ...common }
    : { kind: 'api_key', id: p.keyId, name: p.name, role: p.role, ...common };
}

/** The audit hook a use case calls inside its transaction, recording this request's actor. */
export function auditHookOf(req: Request): AuditHook {
  const actor = auditActorOf(req);
  return (trx, change) => recordAudit(trx, actor, change);
}
