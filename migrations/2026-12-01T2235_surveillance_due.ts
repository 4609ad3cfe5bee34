import type { Kysely } from 'kysely';
import { schemaDialect } from './dialects/index.ts';

/**
 * When each certificate's next yearly surveillance audit (监督审核) is due, as an index for the
 * lookup's "surveillance overdue" filter and its feed: without it, finding the certificates
 * whose last audit is more than 12 months old means reading every certificate's history.
 *
 * A row holds the last Beijing day by which the next surveillance must be recorded, the
 * certificate's end date and its holder; certificates with no surveillance due have no row. Whether one is
 * overdue is decided at request time (due_on < today <= expires_on), never stored. The rule
 * is src/lib/domain/certificates/surveillance.ts's, which the pages apply to the events themselves:
 * - the cycle starts on issued_on (the issue or the latest re-certification);
 * - a cycle of N whole years needs N - 1 surveillances (two for the usual three years), the
 *   re-certification taking the place of the last;
 * - while fewer are recorded after issued_on, the next is due 12 months after the latest of
 *   them (or after issued_on), if that is before expires_on;
 * - withdrawn and cancelled certificates owe nothing.
 * Triggers keep it right whoever writes (the portal, the import, the back office): the schema
 * seam's (./dialects), SQLite's per row, PostgreSQL's per statement. Frozen.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await schemaDialect(db).surveillanceDue(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await schemaDialect(db).dropSurveillanceDue(db);
}
