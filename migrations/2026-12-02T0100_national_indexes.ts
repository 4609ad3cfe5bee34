import { sql, SqliteAdapter, type Kysely } from 'kysely';

/**
 * Indexes for every request path at the size of a national registry (a million
 * certificates, 200,000 notices), so that no page reads a large table whole:
 * - notice.province, the applicant's province, kept from organisation by triggers whoever
 *   writes: the list, its feed and the filter form choose notices by province, and only a
 *   column of the notice can lead an index the list reads in order. Writers never set it.
 * - for each filter of the list and its feed (province, kind, scheme_id), the notices it
 *   chooses in the order of each part of the list: by window start (upcoming and closed;
 *   notice_window serves the list unfiltered), by window end (open; notice_window_end) and
 *   by publication (the feed; notice_published). Without them a page of a rare kind would
 *   read every notice until it found its twenty. The province index also gives the
 *   provinces of the filter form, one seek each.
 * - notice_decided: the feed of decisions and the home page.
 * - notice_updated, organisation_updated: the search index's check for changes, every
 *   few seconds, reads the latest change instead of every row.
 * Frozen.
 */
const FILTERS = [
  ['province', 'province'],
  ['kind', 'kind'],
  ['scheme', 'scheme_id'],
] as const;

export async function up(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof SqliteAdapter)) {
    throw new Error('This migration has SQLite triggers only; add the PostgreSQL ones before running it there.');
  }
  await sql`alter table notice add column province text not null default ''`.execute(db);
  await sql`update notice set province = (select province from organisation where organisation.id = notice.organisation_id)`.execute(db);
  const fromApplicant = sql.raw(`update notice set province = (select province from organisation where organisation.id = new.organisation_id) where id = new.id;`);
  await sql`create trigger notice_province_set after insert on notice begin ${fromApplicant} end`.execute(db);
  await sql`create trigger notice_province_moved after update of organisation_id, province on notice begin ${fromApplicant} end`.execute(db);
  await sql`create trigger organisation_province_changed after update of province on organisation begin
    update notice set province = new.province where organisation_id = new.id; end`.execute(db);

  await db.schema.createIndex('notice_published').on('notice').column('published_at').execute();
  for (const [filter, column] of FILTERS) {
    await db.schema.createIndex(`notice_${filter}_start`).on('notice').columns([column, 'window_start', 'window_end']).execute();
    await db.schema.createIndex(`notice_${filter}_end`).on('notice').columns([column, 'window_end']).execute();
    await db.schema.createIndex(`notice_${filter}_published`).on('notice').columns([column, 'published_at']).execute();
  }
  await db.schema.createIndex('notice_decided').on('notice').column('decided_at').execute();
  await db.schema.createIndex('notice_updated').on('notice').column('updated_at').execute();
  await db.schema.createIndex('organisation_updated').on('organisation').column('updated_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [filter] of FILTERS) {
    for (const order of ['start', 'end', 'published']) await db.schema.dropIndex(`notice_${filter}_${order}`).execute();
  }
  for (const index of ['notice_published', 'notice_decided', 'notice_updated', 'organisation_updated']) await db.schema.dropIndex(index).execute();
  for (const trigger of ['notice_province_set', 'notice_province_moved', 'organisation_province_changed']) {
    await sql`drop trigger ${sql.id(trigger)}`.execute(db);
  }
  await sql`alter table notice drop column province`.execute(db);
}
