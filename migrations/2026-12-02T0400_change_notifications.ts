import type { Kysely } from 'kysely';
import { schemaDialect } from './dialects/index.ts';

/**
 * Every instance's response cache and search index learn that the data changed, whoever
 * wrote it (a portal instance, the import, the back office's plain SQL). SQLite tells every
 * connection by itself (data_version); on PostgreSQL a statement trigger on every table
 * sends a NOTIFY on channel `portal_change` with the table's name, delivered at commit.
 * A later migration that creates a table calls the same step. Frozen.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await schemaDialect(db).changeNotifications(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await schemaDialect(db).dropChangeNotifications(db);
}
