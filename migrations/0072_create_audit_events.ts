import { sql, type Kysely } from 'kysely';

/**
 * Who changed what and when: one row per change of prices, pricing rules, products, users, API
 * keys, invoice corrections, approvals and posts — written in the transaction of the change.
 * Append-only: a trigger refuses UPDATE and DELETE (TRUNCATE too).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE audit_events (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      occurred_at timestamptz NOT NULL DEFAULT now(),
      actor_kind text NOT NULL CONSTRAINT audit_events_actor_kind_check CHECK (actor_kind IN ('api_key','user','system')),
      actor_id bigint,
      actor_name text,
      actor_role text,
      address text,
      request_id text,
      action text NOT NULL,
      entity_type text NOT NULL,
      entity_id text NOT NULL,
      before jsonb,
      after jsonb
    )`.execute(db);
  await sql`CREATE INDEX audit_events_entity_idx ON audit_events (entity_type, entity_id, id)`.execute(db);
  await sql`CREATE INDEX audit_events_occurred_at_idx ON audit_events (occurred_at)`.execute(db);
  await sql`CREATE INDEX audit_events_actor_idx ON audit_events (actor_kind, actor_id, id)`.execute(db);
  await sql`
    CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit_events is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
      FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()`.execute(db);
  await sql`
    CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
      FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()`.execute(db);
}
