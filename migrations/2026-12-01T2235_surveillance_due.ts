import { sql, SqliteAdapter, type Kysely } from 'kysely';

/**
 * When each certificate's next yearly surveillance audit (监督审核) is due, as an index for the
 * lookup's "surveillance overdue" filter and its feed: without it, finding the certificates
 * whose last audit is more than 12 months old means reading every certificate's history.
 *
 * A row holds the last Beijing day by which the next surveillance must be recorded, the
 * certificate's end date and its holder; certificates with no surveillance due have no row. Whether one is
 * overdue is decided at request time (due_on < today <= expires_on), never stored. The rule
 * is src/lib/certificates/surveillance.ts's, which the pages apply to the events themselves:
 * - the cycle starts on issued_on (the issue or the latest re-certification);
 * - a cycle of N whole years needs N - 1 surveillances (two for the usual three years), the
 *   re-certification taking the place of the last;
 * - while fewer are recorded after issued_on, the next is due 12 months after the latest of
 *   them (or after issued_on), if that is before expires_on;
 * - withdrawn and cancelled certificates owe nothing.
 * Triggers keep it right whoever writes (the portal, the import, the back office). Frozen.
 */
export async function up(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof SqliteAdapter)) {
    throw new Error('This migration has SQLite triggers only; add the PostgreSQL ones before running it there.');
  }
  await sql`create table certificate_surveillance_due (
    certificate_id integer primary key,
    due_on text not null,
    expires_on text not null,
    organisation_id integer not null
  )`.execute(db);
  // Covering: the overdue ones are counted, and narrowed to a holder's name, from the index alone.
  await sql`create index certificate_surveillance_due_on on certificate_surveillance_due (due_on, expires_on, organisation_id)`.execute(db);

  // Each certificate's surveillances, read from the index alone.
  await sql`create index certificate_event_surveillance on certificate_event (certificate_id, occurred_at)
    where kind = 'surveillance_passed'`.execute(db);

  const end = `date(c.expires_on, '+1 day')`;
  const wholeMonths = `((cast(strftime('%Y', ${end}) as integer) - cast(strftime('%Y', c.issued_on) as integer)) * 12
    + cast(strftime('%m', ${end}) as integer) - cast(strftime('%m', c.issued_on) as integer)
    - (cast(strftime('%d', ${end}) as integer) < cast(strftime('%d', c.issued_on) as integer)))`;
  // s.done and s.latest: the surveillances recorded after the day the cycle began (instants compare as text).
  const dueOn = `case
    when c.status in ('withdrawn', 'cancelled') then null
    when s.done >= ${wholeMonths} / 12 - 1 then null
    else date(coalesce(date(s.latest, '+8 hours'), c.issued_on), '+12 months') end`;
  /** The row of the certificate whose id is `id` (an expression), if it has a surveillance due. */
  const due = (id: string) => `
    insert into certificate_surveillance_due (certificate_id, due_on, expires_on, organisation_id)
    select id, due_on, expires_on, organisation_id from (
      select c.id, c.expires_on, c.organisation_id, ${dueOn} as due_on
      from certificate c, (
        select count(*) as done, max(e.occurred_at) as latest from certificate_event e
        where e.certificate_id = ${id} and e.kind = 'surveillance_passed'
          and e.occurred_at >= (select strftime('%Y-%m-%dT%H:%M:%fZ', issued_on, '+1 day', '-8 hours') from certificate where id = ${id})
      ) s
      where c.id = ${id})
    where due_on is not null and due_on < expires_on;`;
  const refresh = (certificateId: string) =>
    sql.raw(`delete from certificate_surveillance_due where certificate_id = ${certificateId}; ${due(certificateId)}`);

  // A surveillance recorded before the current cycle began (history, as imports bring it) changes nothing.
  const inCycle = (event: 'new' | 'old') => `${event}.kind = 'surveillance_passed' and ${event}.occurred_at >=
    (select strftime('%Y-%m-%dT%H:%M:%fZ', issued_on, '+1 day', '-8 hours') from certificate where id = ${event}.certificate_id)`;
  await sql`create trigger certificate_surveillance_issued after insert on certificate begin ${sql.raw(due('new.id'))} end`.execute(db);
  await sql`create trigger certificate_surveillance_changed after update of issued_on, expires_on, status, organisation_id on certificate
    begin ${refresh('new.id')} end`.execute(db);
  await sql`create trigger certificate_surveillance_removed after delete on certificate
    begin delete from certificate_surveillance_due where certificate_id = old.id; end`.execute(db);
  await sql`create trigger certificate_surveillance_recorded after insert on certificate_event when ${sql.raw(inCycle('new'))}
    begin ${refresh('new.certificate_id')} end`.execute(db);
  await sql`create trigger certificate_surveillance_unrecorded after delete on certificate_event when ${sql.raw(inCycle('old'))}
    begin ${refresh('old.certificate_id')} end`.execute(db);
  await sql`create trigger certificate_surveillance_rerecorded after update of kind, occurred_at, certificate_id on certificate_event
    when old.kind = 'surveillance_passed' or new.kind = 'surveillance_passed'
    begin ${refresh('old.certificate_id')} ${refresh('new.certificate_id')} end`.execute(db);

  // Every certificate registered so far, one at a time through the same statement.
  const { rows } = await sql<{ id: number }>`select id from certificate`.execute(db);
  for (const { id } of rows) await sql.raw(due(String(id))).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const trigger of [
    'certificate_surveillance_issued',
    'certificate_surveillance_changed',
    'certificate_surveillance_removed',
    'certificate_surveillance_recorded',
    'certificate_surveillance_unrecorded',
    'certificate_surveillance_rerecorded',
  ]) {
    await sql`drop trigger if exists ${sql.ref(trigger)}`.execute(db);
  }
  await sql`drop index if exists certificate_event_surveillance`.execute(db);
  await sql`drop table if exists certificate_surveillance_due`.execute(db);
}
