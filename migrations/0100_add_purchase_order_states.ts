import { sql, type Kysely } from 'kysely';

/**
 * Purchase-order drafts become orders with a life: draft → ordered → cancelled (or draft →
 * cancelled), each change stamped with who (an API key or a user) and when, and kept as an event.
 * A supplier may get a second draft for the same day once the first was ordered or cancelled, so
 * the draft key is unique only among open drafts.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE purchase_order_drafts
      ADD COLUMN ordered_at timestamptz,
      ADD COLUMN ordered_by text,
      ADD COLUMN cancelled_at timestamptz,
      ADD COLUMN cancelled_by text,
      ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now(),
      ADD CONSTRAINT purchase_order_drafts_ordered_check CHECK ((ordered_at IS NULL) = (ordered_by IS NULL)),
      ADD CONSTRAINT purchase_order_drafts_cancelled_check CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL) AND (cancelled_at IS NULL) = (cancelled_by IS NULL))`.execute(db);
  await sql`ALTER TABLE purchase_order_drafts DROP CONSTRAINT purchase_order_drafts_draft_key_key`.execute(db);
  await sql`CREATE UNIQUE INDEX purchase_order_drafts_open_key_idx ON purchase_order_drafts (draft_key) WHERE status = 'draft'`.execute(db);
  await sql`CREATE INDEX purchase_order_drafts_status_idx ON purchase_order_drafts (status, id)`.execute(db);
  await sql`
    CREATE TABLE purchase_order_events (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      draft_id bigint NOT NULL REFERENCES purchase_order_drafts (id),
      from_status text NOT NULL,
      to_status text NOT NULL,
      actor text NOT NULL,
      actor_name text NOT NULL,
      at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX purchase_order_events_draft_idx ON purchase_order_events (draft_id, id)`.execute(db);
}
