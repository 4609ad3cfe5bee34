import type { Kysely } from 'kysely';
import { schemaDialect } from './dialects/index.ts';

/**
 * The holder name index, one entry per organisation instead of one per certificate: a
 * national registry holds a million certificates of some 650,000 holders, and the per-row
 * triggers on certificates made loading it (or a large import) spend most of its time on
 * the index. A lookup joins an organisation's certificates through certificate_organisation.
 * - organisation_name_bigram: every overlapping two-character piece of name_search, for
 *   two-character queries; `inside` is 0 for the piece the name starts with (with the
 *   name's length, so shorter names rank first), 1 for the rest. Its primary key is the
 *   ranked order, and a name's entries are found again from the name itself, so it needs no
 *   second index.
 * - a trigram index of name_search for three characters or more: SQLite's FTS5 table
 *   organisation_name_trigram (rowid = organisation id), PostgreSQL's pg_trgm index.
 * - organisation_name_search: names that start with a query, in order, without scanning.
 * Triggers on organisation keep them right whoever writes (./dialects). Frozen.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await schemaDialect(db).holderNamesByOrganisation(db);
  await db.schema.createIndex('organisation_name_search').on('organisation').column('name_search').execute();
}

/** The per-certificate index it replaced is not rebuilt: going back is restoring a backup. */
export async function down(): Promise<void> {
  throw new Error('2026-12-01T2350_holder_names_by_organisation cannot be undone; restore a backup taken before it.');
}
