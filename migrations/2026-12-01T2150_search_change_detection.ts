import type { Kysely } from 'kysely';

/**
 * What the search indexer asks every second: the rows changed since it last looked
 * (by updated_at) and the notices of a changed organisation, scheme or scheme level.
 * Indexed so that each look costs what changed, not the size of the registry. Frozen.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('notice_updated').on('notice').column('updated_at').execute();
  await db.schema.createIndex('organisation_updated').on('organisation').column('updated_at').execute();
  await db.schema.createIndex('scheme_updated').on('scheme').column('updated_at').execute();
  await db.schema.createIndex('notice_scheme_level').on('notice').columns(['scheme_id', 'proposed_level_code']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const index of ['notice_updated', 'organisation_updated', 'scheme_updated', 'notice_scheme_level']) {
    await db.schema.dropIndex(index).ifExists().execute();
  }
}
