import { sql, type Kysely } from 'kysely';
import { schemaDialect } from './dialects/index.ts';

/**
 * The certificate lookup by filters (status today, scheme, holder's province, body), at the
 * size of a national registry:
 * - certificate.province, the holder's province, kept from organisation by triggers whoever
 *   writes (never written by the back office): only a column of the certificate can lead an
 *   index the lookup reads in order.
 * - the lookup lists valid certificates first, then suspended, expired, withdrawn and
 *   cancelled, each part by expiry (latest first): certificate_status_expiry (status,
 *   expires_on, id) and the same led by each filter (scheme_id, province; body_id has
 *   certificate_body_status from T0410), so a page reads its twenty entries and no more.
 * - certificate_filter_tally: how many certificates there are of each body, scheme, province and
 *   stored status, and for the valid and suspended ones whether they lapse before the day
 *   certificate_filter_tally_since names ('past') or not ('current'; '' for withdrawn and cancelled
 *   ones), kept by triggers: the counts per filter value from a row per combination of those
 *   values (some 3,500 nationally), instead of counting certificates. "Expired" follows from
 *   the day: the portal moves the day forward daily (certificates/tally.ts), and the lapses
 *   between that day and the request's are counted from certificate_lapsing (expires_on,
 *   status, body_id, scheme_id, province), read from the index alone: a day's at most.
 * Frozen.
 */
const ORDERED: [name: string, lead: string[]][] = [
  ['certificate_status_expiry', []],
  ['certificate_scheme_status', ['scheme_id']],
  ['certificate_province_status', ['province']],
];

export async function up(db: Kysely<any>): Promise<void> {
  // Null only until the dialect's trigger has set it; the tally counts a certificate from then on.
  await sql`alter table certificate add column province text`.execute(db);
  await sql`update certificate set province = (select province from organisation where organisation.id = certificate.organisation_id)`.execute(db);
  await sql`create table certificate_filter_tally (
    body_id integer not null,
    scheme_id integer not null,
    province text not null,
    status text not null,
    lapse text not null,
    certificates integer not null,
    primary key (body_id, scheme_id, province, status, lapse)
  )`.execute(db);
  // The day the tally's 'past' ends: today in Beijing when migrated, moved forward by the portal.
  await sql`create table certificate_filter_tally_since (lapsed_before text not null)`.execute(db);
  const today = new Date(Date.now() + 8 * 60 * 60_000).toISOString().slice(0, 10);
  await sql`insert into certificate_filter_tally_since (lapsed_before) values (${today})`.execute(db);
  await schemaDialect(db).certificateProvinceAndTally(db);
  await schemaDialect(db).changeNotifications(db);

  for (const [name, lead] of ORDERED)
    await db.schema
      .createIndex(name)
      .on('certificate')
      .columns([...lead, 'status', 'expires_on', 'id'])
      .execute();
  await db.schema
    .createIndex('certificate_lapsing')
    .on('certificate')
    .columns(['expires_on', 'status', 'body_id', 'scheme_id', 'province'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const name of ['certificate_lapsing', ...ORDERED.map(([name]) => name)]) await db.schema.dropIndex(name).execute();
  await schemaDialect(db).dropCertificateProvinceAndTally(db);
  await db.schema.dropTable('certificate_filter_tally').execute();
  await db.schema.dropTable('certificate_filter_tally_since').execute();
  await sql`alter table certificate drop column province`.execute(db);
}
