import { sql, type Kysely } from 'kysely';
import { schemaDialect } from './dialects/index.ts';

/**
 * Indexes for every request path at the size of a national registry (a million
 * certificates, 200,000 notices), so that no page reads a large table whole:
 * - notice.province, the applicant's province, kept from organisation by triggers whoever
 *   writes: the list, its feed and the filter form choose notices by province, and only a
 *   column of the notice can lead an index the list reads in order. Writers never set it.
 * - the parts of the notice list in their orders, with every column their conditions read,
 *   so that counting or skipping a notice reads one index entry and no row: notice_start
 *   (window_start, window_end, status) for the upcoming and closed parts, notice_end
 *   (window_end, window_start, status) for the open part, and the same led by each filter
 *   of the list and of its feed (province, kind, scheme_id), with its publication order
 *   for the feed (notice_published unfiltered). Without them a page of a rare kind would
 *   read every notice until it found its twenty. They replace notice_window and
 *   notice_window_end, which they begin with. The province index also gives the provinces
 *   of the filter form, one seek each.
 * - notice_tally: how many notices there are of each kind, scheme, province and Beijing year
 *   of window start, kept by triggers: the list's total whatever its filters, from a few
 *   thousand rows at most, instead of counting notices (the open and upcoming ones, which
 *   are few, are counted; the closed ones are the rest).
 * - notice_decided: the feed of decisions and the home page.
 * Frozen.
 */
const FILTERS = [
  ['province', 'province'],
  ['kind', 'kind'],
  ['scheme', 'scheme_id'],
] as const;
const BY_START = ['window_start', 'window_end', 'status'];
const BY_END = ['window_end', 'window_start', 'status'];

export async function up(db: Kysely<any>): Promise<void> {
  // Null only until the dialect's trigger has set it; the tally counts a notice from then on.
  await sql`alter table notice add column province text`.execute(db);
  await sql`update notice set province = (select province from organisation where organisation.id = notice.organisation_id)`.execute(db);
  await sql`create table notice_tally (
    kind text not null,
    scheme_id integer not null,
    province text not null,
    year integer not null,
    notices integer not null,
    primary key (kind, scheme_id, province, year)
  )`.execute(db);
  await schemaDialect(db).noticeProvinceAndTally(db);

  await db.schema.dropIndex('notice_window').execute();
  await db.schema.dropIndex('notice_window_end').execute();
  await db.schema.createIndex('notice_start').on('notice').columns(BY_START).execute();
  await db.schema.createIndex('notice_end').on('notice').columns(BY_END).execute();
  await db.schema.createIndex('notice_published').on('notice').column('published_at').execute();
  for (const [filter, column] of FILTERS) {
    await db.schema
      .createIndex(`notice_${filter}_start`)
      .on('notice')
      .columns([column, ...BY_START])
      .execute();
    await db.schema
      .createIndex(`notice_${filter}_end`)
      .on('notice')
      .columns([column, ...BY_END])
      .execute();
    await db.schema.createIndex(`notice_${filter}_published`).on('notice').columns([column, 'published_at']).execute();
  }
  await db.schema.createIndex('notice_decided').on('notice').column('decided_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [filter] of FILTERS) {
    for (const order of ['start', 'end', 'published']) await db.schema.dropIndex(`notice_${filter}_${order}`).execute();
  }
  for (const index of ['notice_start', 'notice_end', 'notice_published', 'notice_decided']) {
    await db.schema.dropIndex(index).execute();
  }
  await db.schema.createIndex('notice_window').on('notice').columns(['window_start', 'window_end']).execute();
  await db.schema.createIndex('notice_window_end').on('notice').column('window_end').execute();
  await schemaDialect(db).dropNoticeProvinceAndTally(db);
  await db.schema.dropTable('notice_tally').execute();
  await sql`alter table notice drop column province`.execute(db);
}
