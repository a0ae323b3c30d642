import { sql, type Kysely } from 'kysely';

/**
 * `movement_requests.intake_group`: requests recorded by one INSERT of the API's intake (a group
 * commit of concurrent submissions) share one `apply-movements` job, `mg-<intake_group>`. The
 * reconciler reads it to find the job that carries a straggler: a group job still waiting or
 * running is left alone (sending each of its requests again as jobs of their own would double a
 * backlog), a delayed one is promoted, a failed one retried. NULL: the request has a job of its
 * own (`mv-<id>`) or belongs to a batch. Not indexed: written once with the row, read by the
 * reconciler from rows it has already found.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE movement_requests ADD COLUMN intake_group uuid`.execute(db);
}
