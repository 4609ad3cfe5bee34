import type { Kysely } from 'kysely';

/**
 * Indexes for the feeds that tell everything and the pages of a certification body, at the
 * size of a national registry:
 * - notice_withdrawn (status, updated_at): the withdrawals, newest first, as items of their own;
 * - notice_body_published, notice_body_decided: a body's feed of notices and decisions, and
 *   the notice feed filtered by body, read in order from the body's own entries;
 * - notice_body_start, notice_body_end: the notice list filtered by body, as the list's
 *   other filters are served (the window columns the conditions read, in the parts' orders);
 * - certificate_body_status (body_id, status, expires_on): a body's certificates counted by status;
 * - certificate_body_number, certificate_body_scheme: a body's certificates by number (the
 *   lookup narrowed to a body) and the schemes it certifies.
 * Portable: the same on SQLite and PostgreSQL. Frozen.
 */
const INDEXES: [name: string, table: string, columns: string[]][] = [
  ['notice_withdrawn', 'notice', ['status', 'updated_at']],
  ['notice_body_published', 'notice', ['body_id', 'published_at']],
  ['notice_body_decided', 'notice', ['body_id', 'decided_at']],
  ['notice_body_start', 'notice', ['body_id', 'window_start', 'window_end', 'status']],
  ['notice_body_end', 'notice', ['body_id', 'window_end', 'window_start', 'status']],
  ['certificate_body_status', 'certificate', ['body_id', 'status', 'expires_on']],
  ['certificate_body_number', 'certificate', ['body_id', 'number']],
  ['certificate_body_scheme', 'certificate', ['body_id', 'scheme_id']],
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const [name, table, columns] of INDEXES) await db.schema.createIndex(name).on(table).columns(columns).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [name] of INDEXES) await db.schema.dropIndex(name).execute();
}
