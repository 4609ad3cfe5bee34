import { sql, type Kysely } from 'kysely';
import { schemaDialect } from './dialects/index.ts';

/**
 * Rate limiting no longer reads the comments: each submission (a stored comment, or a form
 * a robot filled) leaves a salted hash of its client's address and its time in a table of
 * its own, deleted after a day, the limits' longest window. The comments keep no trace of
 * the address, and the salt leaves the database (a backup must not carry it beside the
 * hashes), so the old hashes and the old salt are dropped. Frozen.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('comment_submission')
    .addColumn('id', 'integer', schemaDialect(db).generatedId)
    .addColumn('client_hash', 'text', (c) => c.notNull())
    .addColumn('submitted_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('comment_submission_client').on('comment_submission').columns(['client_hash', 'submitted_at']).execute();
  await db.schema.createIndex('comment_submission_time').on('comment_submission').column('submitted_at').execute();

  await db.schema.dropIndex('comment_client').execute();
  await sql`alter table comment drop column client_hash`.execute(db);
  await db.schema.dropTable('portal_secret').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('portal_secret')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await sql`alter table comment add column client_hash text not null default ''`.execute(db);
  await db.schema.createIndex('comment_client').on('comment').columns(['client_hash', 'received_at']).execute();
  await db.schema.dropTable('comment_submission').execute();
}
