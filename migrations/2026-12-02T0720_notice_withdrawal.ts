import { sql, type Kysely } from 'kysely';
import { schemaDialect } from './dialects/index.ts';

/**
 * A withdrawn notice says when and why: notice.withdrawn_at (the instant the body withdrew
 * it) and notice.withdrawal_reason (its words), both empty while the notice is published.
 * Notices withdrawn before this migration have neither: the portal says that the body gave
 * no reason, and dates them by their last update, as it did. The import requires both for a
 * withdrawal, as it requires a decision's time. withdrawn_at takes the one stored form of an
 * instant, checked with the notice's other instants. Frozen.
 */
const CHECKED_BEFORE = ['window_start', 'window_end', 'published_at', 'decided_at', 'updated_at'];
const CHECKED_NOW = [...CHECKED_BEFORE, 'withdrawn_at'];
const message = (columns: string[]) => `notice: ${columns.join(', ')} must be UTC instants written as 2026-12-01T08:00:00.000Z`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table notice add column withdrawn_at text`.execute(db);
  await sql`alter table notice add column withdrawal_reason text`.execute(db);
  await schemaDialect(db).dropInstantChecks(db, 'notice');
  await schemaDialect(db).instantChecks(db, 'notice', CHECKED_NOW, message(CHECKED_NOW));
}

export async function down(db: Kysely<any>): Promise<void> {
  await schemaDialect(db).dropInstantChecks(db, 'notice');
  await schemaDialect(db).instantChecks(db, 'notice', CHECKED_BEFORE, message(CHECKED_BEFORE));
  await sql`alter table notice drop column withdrawal_reason`.execute(db);
  await sql`alter table notice drop column withdrawn_at`.execute(db);
}
