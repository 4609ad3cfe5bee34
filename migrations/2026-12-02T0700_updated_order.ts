import { sql, type Kysely } from 'kysely';
import { schemaDialect } from './dialects/index.ts';

/**
 * Incremental sync (`/api/v1/certificates?updatedSince=`, `/api/v1/notices?updatedSince=`):
 * a certificate's and a notice's updated_at moves whenever what the API publishes of it
 * changes, whoever writes (the import, the portal, the back office's plain SQL), and each
 * table is read in (updated_at, id) order from an index.
 * - A certificate moves when its row changes, when an event of it is recorded, changed or
 *   removed, and when its holder's name, USCC, province or address changes.
 * - A notice moves when its row changes (withdrawn, decided, corrected; not the province
 *   the triggers copy), when its applicant's name, USCC, province or address changes, and
 *   when a comment is published, or a published one is answered, re-classified or unpublished.
 * A writer that stamps updated_at itself keeps its stamp; otherwise the triggers stamp the
 * database's clock, never moving a stamp backwards. Renaming a body, a scheme or a level
 * moves nothing: those are short lists a program re-reads whole (/api/v1/bodies). A writer
 * that writes every stamp as it was (the demo seed, which writes a registry's history) holds
 * a row in stamp_pause inside its transaction: the triggers leave its stamps alone, and no
 * one else ever sees the row.
 * The stored stamps start honest: a certificate's is raised to its holder's and to its
 * latest event's, as its page already showed. notice_updated (updated_at) becomes
 * (updated_at, id), which the search's change detection reads as well. Frozen.
 */
const LATER = {
  holder: sql`(select organisation.updated_at from organisation where organisation.id = certificate.organisation_id)`,
  event: sql`(select max(certificate_event.occurred_at) from certificate_event where certificate_event.certificate_id = certificate.id)`,
};

export async function up(db: Kysely<any>): Promise<void> {
  for (const later of Object.values(LATER)) await sql`update certificate set updated_at = ${later} where updated_at < ${later}`.execute(db);
  await sql`create table stamp_pause (writer text primary key)`.execute(db);
  await schemaDialect(db).changeNotifications(db);
  await schemaDialect(db).updatedWhenPublishedChanges(db);
  await db.schema.dropIndex('notice_updated').execute();
  await db.schema.createIndex('notice_updated_order').on('notice').columns(['updated_at', 'id']).execute();
  await db.schema.createIndex('certificate_updated_order').on('certificate').columns(['updated_at', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('certificate_updated_order').execute();
  await db.schema.dropIndex('notice_updated_order').execute();
  await db.schema.createIndex('notice_updated').on('notice').column('updated_at').execute();
  await schemaDialect(db).dropUpdatedWhenPublishedChanges(db);
  await sql`drop table stamp_pause`.execute(db);
}
