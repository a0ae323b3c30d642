import type { Request } from 'express';
import { currentContext } from '../shared/context.js';
import type { AuditActor } from '../shared/db/repositories/audit.repository.js';

/** The audit actor of a request: its API key or user, role, address and request id. */
export function auditActorOf(req: Request): AuditActor {
  const p = req.principal;
  const common = { address: req.ip ?? null, requestId: currentContext()?.requestId ?? null };
  if (!p) return { kind: 'system', id: null, name: null, role: null, ...common };
  return p.kind === 'session'
    ? { kind: 'user', id: p.user.id, name: p.user.username, role: p.role, ...common }
    : { kind: 'api_key', id: p.keyId, name: p.name, role: p.role, ...common };
}
