import type { Kysely } from 'kysely';
import { schemaDialect } from './dialects/index.ts';

/**
 * Every instant has one stored form, UTC with milliseconds (2026-12-01T08:00:00.000Z): the
 * portal compares instants as text, so a direct write in another form (a local time, a
 * missing "Z") would make a page and a list disagree on whether a notice is open. Such a
 * write is now refused: a CHECK constraint on PostgreSQL, triggers on SQLite (the schema
 * seam, ./dialects). Frozen.
 */
const INSTANT_COLUMNS: Record<string, string[]> = {
  certification_body: ['updated_at'],
  scheme: ['updated_at'],
  organisation: ['updated_at'],
  certificate: ['updated_at'],
  certificate_event: ['occurred_at'],
  notice: ['window_start', 'window_end', 'published_at', 'decided_at', 'updated_at'],
  comment: ['received_at', 'updated_at'],
  comment_submission: ['submitted_at'],
};

export async function up(db: Kysely<any>): Promise<void> {
  for (const [table, columns] of Object.entries(INSTANT_COLUMNS)) {
    await schemaDialect(db).instantChecks(
      db,
      table,
      columns,
      `${table}: ${columns.join(', ')} must be UTC instants written as 2026-12-01T08:00:00.000Z`,
    );
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of Object.keys(INSTANT_COLUMNS)) await schemaDialect(db).dropInstantChecks(db, table);
}
