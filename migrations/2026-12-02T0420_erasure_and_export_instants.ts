import type { Kysely } from 'kysely';
import { schemaDialect } from './dialects/index.ts';

/**
 * The instants T2212 added take the one stored form too, as T2210's do: when a comment's
 * personal data was erased, and when each export was taken (and the start of its filter).
 * The comment's check is made again with its new column; the export table gets its own.
 * Frozen.
 */
const CHECKED_BEFORE: Record<string, string[]> = { comment: ['received_at', 'updated_at'] };
const CHECKED_NOW: Record<string, string[]> = {
  comment: ['received_at', 'updated_at', 'personal_data_erased_at'],
  comment_export: ['exported_at', 'since'],
};

const message = (table: string, columns: string[]) => `${table}: ${columns.join(', ')} must be UTC instants written as 2026-12-01T08:00:00.000Z`;

export async function up(db: Kysely<any>): Promise<void> {
  for (const table of Object.keys(CHECKED_BEFORE)) await schemaDialect(db).dropInstantChecks(db, table);
  for (const [table, columns] of Object.entries(CHECKED_NOW)) await schemaDialect(db).instantChecks(db, table, columns, message(table, columns));
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of Object.keys(CHECKED_NOW)) await schemaDialect(db).dropInstantChecks(db, table);
  for (const [table, columns] of Object.entries(CHECKED_BEFORE)) await schemaDialect(db).instantChecks(db, table, columns, message(table, columns));
}
