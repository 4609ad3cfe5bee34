import type { Kysely } from 'kysely';

/**
 * The comment limits count people, not only addresses: an office or a mobile carrier puts
 * many people behind one address, so the per-address limit is raised and one person's flood
 * is stopped by limits per contact and per contact and notice instead. Each submission keeps,
 * beside its address hash, a salted hash of the contact it gave (none for a robot's form) and
 * its notice, deleted with it after a day. Portable. Frozen.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('comment_submission').addColumn('contact_hash', 'text').execute();
  await db.schema.alterTable('comment_submission').addColumn('notice_id', 'integer').execute();
  await db.schema.createIndex('comment_submission_contact').on('comment_submission').columns(['contact_hash', 'submitted_at']).execute();
  await db.schema
    .createIndex('comment_submission_contact_notice')
    .on('comment_submission')
    .columns(['contact_hash', 'notice_id', 'submitted_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('comment_submission_contact_notice').execute();
  await db.schema.dropIndex('comment_submission_contact').execute();
  await db.schema.alterTable('comment_submission').dropColumn('notice_id').execute();
  await db.schema.alterTable('comment_submission').dropColumn('contact_hash').execute();
}
