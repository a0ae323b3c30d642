import type { ColumnType, Generated } from 'kysely';

type Json = ColumnType<unknown, string | null, never>;

/** Append-only record of who changed what (see migration 0072). */
export interface AuditEventsTable {
  id: Generated<number>;
  occurred_at: ColumnType<Date, Date | string | undefined, never>;
  actor_kind: 'api_key' | 'user' | 'system';
  actor_id: number | null;
  actor_name: string | null;
  actor_role: string | null;
  address: string | null;
  request_id: string | null;
  action: string;
  entity_type: string;
  entity_id: string;
  before: Json;
  after: Json;
}

declare module '../database.js' {
  interface DB {
    audit_events: AuditEventsTable;
  }
}
