import { sql, type Kysely } from 'kysely';
import { schemaDialect } from './dialects/index.ts';

/**
 * Counts per certification body, kept by triggers whoever writes, so that a body's page and
 * its notice list count without reading its certificates or notices (a large body has
 * 100,000 certificates and 20,000 notices nationally):
 * - certificate_tally: a body's certificates per recorded status and last valid day. A page
 *   counts those valid or suspended today (expires_on >= today), those past it (expired)
 *   and the withdrawn and cancelled ones from ranges of its key: rows per day of expiry, a
 *   few thousand per body at most, never one per certificate.
 * - notice_body_tally: notice_tally's counts (kind, scheme, province, Beijing year of the
 *   window start) per body, so that a list filtered by body has its total as the others do.
 * Frozen.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create table certificate_tally (
    body_id integer not null,
    status text not null,
    expires_on text not null,
    certificates integer not null,
    primary key (body_id, status, expires_on)
  )`.execute(db);
  await sql`create table notice_body_tally (
    body_id integer not null,
    kind text not null,
    scheme_id integer not null,
    province text not null,
    year integer not null,
    notices integer not null,
    primary key (body_id, kind, scheme_id, province, year)
  )`.execute(db);
  await schemaDialect(db).bodyTallies(db);
  // On PostgreSQL the new tables notify their changes as every table does (a no-op on SQLite).
  await schemaDialect(db).changeNotifications(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await schemaDialect(db).dropBodyTallies(db);
  await db.schema.dropTable('notice_body_tally').execute();
  await db.schema.dropTable('certificate_tally').execute();
}
