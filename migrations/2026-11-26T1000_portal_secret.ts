import type { Kysely } from 'kysely';

/**
 * Secrets the portal makes for itself on first use (the salt of the commenters' network
 * address hashes), so that a new installation has nothing to configure. Frozen.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('portal_secret')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('portal_secret').execute();
}
