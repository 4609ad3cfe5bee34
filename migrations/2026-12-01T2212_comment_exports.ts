import type { Kysely } from 'kysely';
import { schemaDialect } from './dialects/index.ts';

/**
 * The back office's side of comments' personal data: every export of comments with their
 * submitters' names and contacts is recorded (when, by which operating-system user, with
 * which filter, how many comments; nothing of the commenters), and a comment records when
 * its submitter's personal data was erased as no longer needed. Frozen.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('comment_export')
    .addColumn('id', 'integer', schemaDialect(db).generatedId)
    .addColumn('exported_at', 'text', (c) => c.notNull())
    .addColumn('os_user', 'text', (c) => c.notNull())
    .addColumn('since', 'text')
    .addColumn('body_code', 'text')
    .addColumn('notice_reference', 'text')
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('comment_count', 'integer', (c) => c.notNull())
    .addColumn('file', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('comment_export_time').on('comment_export').column('exported_at').execute();
  await db.schema.alterTable('comment').addColumn('personal_data_erased_at', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('comment').dropColumn('personal_data_erased_at').execute();
  await db.schema.dropTable('comment_export').execute();
}
