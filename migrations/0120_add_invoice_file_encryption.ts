import { sql, type Kysely } from 'kysely';

/**
 * Invoice files are encrypted at rest (AES-256-GCM, see src/shared/data-keys.ts): `content` holds
 * the ciphertext, beside it the id of the data key, the 96-bit nonce and the 128-bit tag. Rows
 * from before this migration keep plaintext with `key_id` NULL until the workers' start-up sweep
 * (or `npm run rotate-data-key`) encrypts them; the migration itself has no keys.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE invoice_files
      ADD COLUMN key_id text,
      ADD COLUMN nonce bytea,
      ADD COLUMN auth_tag bytea,
      ADD CONSTRAINT invoice_files_encryption_check CHECK (
        (key_id IS NULL AND nonce IS NULL AND auth_tag IS NULL)
        OR (key_id IS NOT NULL AND octet_length(nonce) = 12 AND octet_length(auth_tag) = 16)
      )`.execute(db);
  // Ciphertext does not compress: skip the attempt.
  await sql`ALTER TABLE invoice_files ALTER COLUMN content SET STORAGE EXTERNAL`.execute(db);
  await sql`CREATE INDEX invoice_files_key_id_idx ON invoice_files (key_id)`.execute(db);
}
