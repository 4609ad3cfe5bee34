/**
 * The PostgreSQL half of the schema seam: what only PostgreSQL does in the migrations, the
 * twin of ./sqlite.ts step by step. Each step is frozen with the migration that calls it.
 */
import { sql, type ColumnDefinitionBuilder, type Kysely } from 'kysely';

/** A row id the database assigns (and an explicit one may still be given). */
export const generatedId = (column: ColumnDefinitionBuilder) => column.primaryKey().generatedByDefaultAsIdentity();

/**
 * Indexes the certificates `source` yields as (certificate_id, name): the whole name for
 * pg_trgm (three characters or more), every two-character piece as on SQLite (pg_trgm
 * cannot serve two characters). The same pieces, the same `inside` and `name_length`.
 */
const indexHolderNames = (source: string) => `
  insert into certificate_holder_name (certificate_id, name) select certificate_id, name from (${source}) as entry;
  insert into certificate_holder_bigram (bigram, inside, name_length, certificate_id)
    select distinct substr(name, n, 2), (n > 1)::integer, case when n = 1 then char_length(name) else 0 end, certificate_id
    from (${source}) as entry cross join lateral generate_series(1, char_length(name) - 1) as n
    where n = 1 or substr(name, n, 2) <> substr(name, 1, 2)
    on conflict do nothing;`;

const unindex = (certificateIds: string) => `
  delete from certificate_holder_name where certificate_id in (${certificateIds});
  delete from certificate_holder_bigram where certificate_id in (${certificateIds});`;

/**
 * A trigger run once per statement, with the statement's rows as transition tables: an
 * import of a hundred thousand certificates indexes them in one pass, not row by row.
 */
async function statementTrigger(db: Kysely<any>, name: string, table: string, event: string, transitions: string, body: string): Promise<void> {
  await sql.raw(`create function ${name}() returns trigger language plpgsql as $body$ begin ${body} return null; end $body$`).execute(db);
  await sql
    .raw(`create trigger ${name} after ${event} on ${table} referencing ${transitions} for each statement execute function ${name}()`)
    .execute(db);
}

/** 2026-11-26T0900: substring search on holder names (see ./sqlite.ts for the design). */
export async function holderNameIndexes(db: Kysely<any>): Promise<void> {
  await sql`create extension if not exists pg_trgm`.execute(db);
  await sql`create table certificate_holder_bigram (
    bigram text not null,
    inside integer not null,
    name_length integer not null,
    certificate_id integer not null,
    primary key (bigram, inside, name_length, certificate_id)
  )`.execute(db);
  await sql`create index certificate_holder_bigram_certificate on certificate_holder_bigram (certificate_id)`.execute(db);
  await sql`create table certificate_holder_name (certificate_id integer primary key, name text not null)`.execute(db);
  await sql`create index certificate_holder_name_trigram on certificate_holder_name using gin (name gin_trgm_ops)`.execute(db);

  const moved =
    'select now.id from new_certificates as now join old_certificates as before using (id) where now.organisation_id <> before.organisation_id';
  await statementTrigger(
    db,
    'certificate_holder_indexed',
    'certificate',
    'insert',
    'new table as new_certificates',
    indexHolderNames(
      'select c.id as certificate_id, o.name_search as name from new_certificates as c join organisation as o on o.id = c.organisation_id',
    ),
  );
  await statementTrigger(
    db,
    'certificate_holder_moved',
    'certificate',
    'update',
    'old table as old_certificates new table as new_certificates',
    unindex(moved) +
      indexHolderNames(
        `select c.id as certificate_id, o.name_search as name from certificate as c join organisation as o on o.id = c.organisation_id where c.id in (${moved})`,
      ),
  );
  await statementTrigger(
    db,
    'certificate_holder_unindexed',
    'certificate',
    'delete',
    'old table as old_certificates',
    unindex('select id from old_certificates'),
  );
  const renamed =
    'select now.id from new_organisations as now join old_organisations as before using (id) where now.name_search <> before.name_search';
  await statementTrigger(
    db,
    'organisation_renamed',
    'organisation',
    'update',
    'old table as old_organisations new table as new_organisations',
    unindex(`select id from certificate where organisation_id in (${renamed})`) +
      indexHolderNames(
        `select c.id as certificate_id, o.name_search as name from certificate as c join organisation as o on o.id = c.organisation_id where o.id in (${renamed})`,
      ),
  );
}

export async function dropHolderNameIndexes(db: Kysely<any>): Promise<void> {
  for (const trigger of ['certificate_holder_indexed', 'certificate_holder_moved', 'certificate_holder_unindexed']) {
    await sql.raw(`drop trigger if exists ${trigger} on certificate; drop function if exists ${trigger}()`).execute(db);
  }
  await sql.raw('drop trigger if exists organisation_renamed on organisation; drop function if exists organisation_renamed()').execute(db);
  for (const table of ['certificate_holder_name', 'certificate_holder_bigram']) await db.schema.dropTable(table).ifExists().execute();
}

/** 2026-12-01T2210: instants in their one stored form, as a CHECK constraint. */
export async function instantChecks(db: Kysely<any>, table: string, columns: readonly string[], _message: string): Promise<void> {
  // The form, and a real instant (no 13th month): what the text says when read back is the text itself.
  await sql
    .raw(`create or replace function portal_is_instant(value text) returns boolean language plpgsql immutable as $body$
    begin
      return value ~ '^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z$' and to_char(value::timestamp, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') = value;
    exception when others then
      return false;
    end $body$`)
    .execute(db);
  const right = columns.map((column) => `portal_is_instant(${column})`).join(' and ');
  await sql.raw(`alter table ${table} add constraint ${table}_instants check (${right})`).execute(db);
}

export async function dropInstantChecks(db: Kysely<any>, table: string): Promise<void> {
  await sql.raw(`alter table ${table} drop constraint ${table}_instants`).execute(db);
}

/**
 * 2026-12-01T2235: when each certificate's next surveillance is due, the same rule and the same
 * dates as ./sqlite.ts (the rule: the migration's comment), kept by triggers per statement. SQLite's
 * date(d, '+12 months') carries an overflowing day into the next month (2024-02-29 gives
 * 2025-03-01), so the year is added to the first of the month and the days after it.
 */
export async function surveillanceDue(db: Kysely<any>): Promise<void> {
  await sql`create table certificate_surveillance_due (
    certificate_id integer primary key,
    due_on text not null,
    expires_on text not null,
    organisation_id integer not null
  )`.execute(db);
  await sql`create index certificate_surveillance_due_on on certificate_surveillance_due (due_on, expires_on, organisation_id)`.execute(db);
  await sql`create index certificate_event_surveillance on certificate_event (certificate_id, occurred_at)
    where kind = 'surveillance_passed'`.execute(db);

  // The first instant after the issue day, Beijing time: surveillances from then on count for the cycle.
  const cycleStart = `to_char(c.issued_on::date + 1 - interval '8 hours', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  await sql
    .raw(`create function refresh_certificate_surveillance_due(certificate_ids integer[]) returns void language sql as $body$
    delete from certificate_surveillance_due where certificate_id = any(certificate_ids);
    insert into certificate_surveillance_due (certificate_id, due_on, expires_on, organisation_id)
    select id, due_on, expires_on, organisation_id from (
      select c.id, c.expires_on, c.organisation_id,
        case
          when c.status in ('withdrawn', 'cancelled') then null
          when s.done >= (
            (extract(year from c.expires_on::date + 1) - extract(year from c.issued_on::date)) * 12
            + extract(month from c.expires_on::date + 1) - extract(month from c.issued_on::date)
            - (extract(day from c.expires_on::date + 1) < extract(day from c.issued_on::date))::integer
          )::integer / 12 - 1 then null
          else to_char(
            make_date(extract(year from s.since)::integer + 1, extract(month from s.since)::integer, 1) + extract(day from s.since)::integer - 1,
            'YYYY-MM-DD')
        end as due_on
      from certificate c
      cross join lateral (
        select count(*) as done,
          coalesce((substr(max(e.occurred_at), 1, 23)::timestamp + interval '8 hours')::date, c.issued_on::date) as since
        from certificate_event e
        where e.certificate_id = c.id and e.kind = 'surveillance_passed' and e.occurred_at >= ${cycleStart}
      ) s
      where c.id = any(certificate_ids)
    ) as due
    where due_on is not null and due_on < expires_on;
  $body$`)
    .execute(db);

  const refreshFor = (ids: string) => `perform refresh_certificate_surveillance_due(array(${ids}));`;
  const changed = `select now.id from new_certificates as now join old_certificates as before using (id)
    where (now.issued_on, now.expires_on, now.status, now.organisation_id) is distinct from (before.issued_on, before.expires_on, before.status, before.organisation_id)`;
  const events = (table: string) => `select distinct certificate_id from ${table} where kind = 'surveillance_passed'`;
  await statementTrigger(
    db,
    'certificate_surveillance_issued',
    'certificate',
    'insert',
    'new table as new_certificates',
    refreshFor('select id from new_certificates'),
  );
  await statementTrigger(
    db,
    'certificate_surveillance_changed',
    'certificate',
    'update',
    'old table as old_certificates new table as new_certificates',
    refreshFor(changed),
  );
  await statementTrigger(
    db,
    'certificate_surveillance_removed',
    'certificate',
    'delete',
    'old table as old_certificates',
    'delete from certificate_surveillance_due where certificate_id in (select id from old_certificates);',
  );
  // Refreshing a certificate for an event before its cycle changes nothing, so no finer test is needed.
  await statementTrigger(
    db,
    'certificate_surveillance_recorded',
    'certificate_event',
    'insert',
    'new table as new_events',
    refreshFor(events('new_events')),
  );
  await statementTrigger(
    db,
    'certificate_surveillance_unrecorded',
    'certificate_event',
    'delete',
    'old table as old_events',
    refreshFor(events('old_events')),
  );
  await statementTrigger(
    db,
    'certificate_surveillance_rerecorded',
    'certificate_event',
    'update',
    'old table as old_events new table as new_events',
    refreshFor(`${events('old_events')} union ${events('new_events')}`),
  );
  await sql`select refresh_certificate_surveillance_due(array(select id from certificate))`.execute(db);
}

export async function dropSurveillanceDue(db: Kysely<any>): Promise<void> {
  for (const [trigger, table] of [
    ['certificate_surveillance_issued', 'certificate'],
    ['certificate_surveillance_changed', 'certificate'],
    ['certificate_surveillance_removed', 'certificate'],
    ['certificate_surveillance_recorded', 'certificate_event'],
    ['certificate_surveillance_unrecorded', 'certificate_event'],
    ['certificate_surveillance_rerecorded', 'certificate_event'],
  ]) {
    await sql.raw(`drop trigger if exists ${trigger} on ${table}; drop function if exists ${trigger}()`).execute(db);
  }
  await sql`drop function if exists refresh_certificate_surveillance_due(integer[])`.execute(db);
  await sql`drop index if exists certificate_event_surveillance`.execute(db);
  await sql`drop table if exists certificate_surveillance_due`.execute(db);
}

/**
 * The bigram entries of the organisations `source` yields as (organisation_id, name), as on
 * SQLite: the same pieces, the same `inside` and `name_length`, each once.
 */
const organisationBigrams = (source: string) => `
  select distinct substr(name, n, 2) as bigram, (n > 1)::integer as inside, case when n = 1 then char_length(name) else 0 end as name_length, organisation_id
  from (${source}) as entry cross join lateral generate_series(1, char_length(name) - 1) as n
  where n = 1 or substr(name, n, 2) <> substr(name, 1, 2)`;
const indexOrganisationNames = (source: string) =>
  `insert into organisation_name_bigram (bigram, inside, name_length, organisation_id) ${organisationBigrams(source)} on conflict do nothing;`;
// Found again from the name itself, by the primary key: the table needs no second index.
const unindexOrganisationNames = (source: string) => `
  delete from organisation_name_bigram as entry using (${organisationBigrams(source)}) as gone
  where (entry.bigram, entry.inside, entry.name_length, entry.organisation_id) = (gone.bigram, gone.inside, gone.name_length, gone.organisation_id);`;

/**
 * 2026-12-01T2350: the holder name index per organisation (the design: the migration's
 * comment), replacing the per-certificate one: the bigram table as on SQLite, kept by
 * triggers per statement, and pg_trgm on organisation.name_search for three characters or more.
 */
export async function holderNamesByOrganisation(db: Kysely<any>): Promise<void> {
  await dropHolderNameIndexes(db);
  await sql`create table organisation_name_bigram (
    bigram text not null,
    inside integer not null,
    name_length integer not null,
    organisation_id integer not null,
    primary key (bigram, inside, name_length, organisation_id)
  )`.execute(db);
  await sql`create index organisation_name_trigram on organisation using gin (name_search gin_trgm_ops)`.execute(db);

  const named = (table: string) => `select id as organisation_id, name_search as name from ${table}`;
  const renamed = (side: 'now' | 'before') => `select ${side}.id as organisation_id, ${side}.name_search as name
    from new_organisations as now join old_organisations as before using (id) where now.name_search <> before.name_search`;
  await statementTrigger(
    db,
    'organisation_name_indexed',
    'organisation',
    'insert',
    'new table as new_organisations',
    indexOrganisationNames(named('new_organisations')),
  );
  await statementTrigger(
    db,
    'organisation_name_changed',
    'organisation',
    'update',
    'old table as old_organisations new table as new_organisations',
    unindexOrganisationNames(renamed('before')) + indexOrganisationNames(renamed('now')),
  );
  await statementTrigger(
    db,
    'organisation_name_unindexed',
    'organisation',
    'delete',
    'old table as old_organisations',
    unindexOrganisationNames(named('old_organisations')),
  );
  await sql.raw(indexOrganisationNames(named('organisation'))).execute(db);
}

/**
 * 2026-12-02T0100: notice.province from the applicant, and notice_tally (the design: the
 * migration's comment), kept by triggers per row: a notice takes its province before it is
 * written, and the tally counts it after.
 */
export async function noticeProvinceAndTally(db: Kysely<any>): Promise<void> {
  await sql
    .raw(`create function notice_province_set() returns trigger language plpgsql as $body$ begin
      if tg_op = 'INSERT' or new.organisation_id is distinct from old.organisation_id then
        new.province := (select province from organisation where organisation.id = new.organisation_id);
      end if;
      return new;
    end $body$`)
    .execute(db);
  await sql`create trigger notice_province_set before insert or update on notice for each row execute function notice_province_set()`.execute(db);
  await sql
    .raw(`create function organisation_province_changed() returns trigger language plpgsql as $body$ begin
      update notice set province = new.province where organisation_id = new.id;
      return null;
    end $body$`)
    .execute(db);
  await sql`create trigger organisation_province_changed after update of province on organisation for each row
    when (new.province is distinct from old.province) execute function organisation_province_changed()`.execute(db);

  const year = (instant: string) => `extract(year from substr(${instant}, 1, 23)::timestamp + interval '8 hours')::integer`;
  const count = (row: 'new' | 'old', change: 1 | -1) => `
    if ${row}.province is not null then
      insert into notice_tally (kind, scheme_id, province, year, notices) values (${row}.kind, ${row}.scheme_id, ${row}.province, ${year(`${row}.window_start`)}, ${change})
      on conflict (kind, scheme_id, province, year) do update set notices = notice_tally.notices + ${change};
    end if;`;
  await sql
    .raw(`create function notice_tallied() returns trigger language plpgsql as $body$ begin
      if tg_op in ('UPDATE', 'DELETE') then ${count('old', -1)} end if;
      if tg_op in ('INSERT', 'UPDATE') then ${count('new', 1)} end if;
      return null;
    end $body$`)
    .execute(db);
  await sql`create trigger notice_tallied after insert or delete or update of kind, scheme_id, province, window_start on notice
    for each row execute function notice_tallied()`.execute(db);
  await sql
    .raw(`insert into notice_tally (kind, scheme_id, province, year, notices)
      select kind, scheme_id, province, ${year('window_start')}, count(*) from notice group by 1, 2, 3, 4`)
    .execute(db);
}

export async function dropNoticeProvinceAndTally(db: Kysely<any>): Promise<void> {
  for (const [trigger, table] of [
    ['notice_province_set', 'notice'],
    ['organisation_province_changed', 'organisation'],
    ['notice_tallied', 'notice'],
  ]) {
    await sql.raw(`drop trigger ${trigger} on ${table}; drop function ${trigger}()`).execute(db);
  }
}

/**
 * 2026-12-02T0400: a NOTIFY on channel `portal_change` (payload: the table's name) after each
 * statement that writes a table, delivered at commit (PostgreSQL folds repeats within a
 * transaction into one). Installed on every table of the schema that lacks it but Kysely's
 * own, so a later migration that creates tables calls it again.
 */
export async function changeNotifications(db: Kysely<any>): Promise<void> {
  await sql`create or replace function portal_change_notified() returns trigger language plpgsql as $body$
    begin
      perform pg_notify('portal_change', tg_table_name);
      return null;
    end $body$`.execute(db);
  const { rows } = await sql<{ table: string }>`
    select c.relname as table from pg_class c
    where c.relnamespace = current_schema()::regnamespace and c.relkind in ('r', 'p')
      and c.relname not like 'kysely\_migration%'
      and not exists (select 1 from pg_trigger t where t.tgrelid = c.oid and t.tgname = 'portal_change_notified')`.execute(db);
  for (const { table } of rows) {
    await sql`create trigger portal_change_notified after insert or update or delete or truncate on ${sql.table(table)}
      for each statement execute function portal_change_notified()`.execute(db);
  }
}

export async function dropChangeNotifications(db: Kysely<any>): Promise<void> {
  await sql`drop function if exists portal_change_notified() cascade`.execute(db);
}

/** 2026-12-02T0710: certificate_tally and notice_body_tally kept by row triggers (notice.province is set before the row is written). */
export async function bodyTallies(db: Kysely<any>): Promise<void> {
  const countCertificate = (row: 'new' | 'old', change: 1 | -1) => `
    insert into certificate_tally (body_id, status, expires_on, certificates) values (${row}.body_id, ${row}.status, ${row}.expires_on, ${change})
    on conflict (body_id, status, expires_on) do update set certificates = certificate_tally.certificates + ${change};`;
  await sql
    .raw(`create function certificate_tallied() returns trigger language plpgsql as $body$ begin
      if tg_op in ('UPDATE', 'DELETE') then ${countCertificate('old', -1)} end if;
      if tg_op in ('INSERT', 'UPDATE') then ${countCertificate('new', 1)} end if;
      return null;
    end $body$`)
    .execute(db);
  await sql`create trigger certificate_tallied after insert or delete or update of body_id, status, expires_on on certificate
    for each row execute function certificate_tallied()`.execute(db);
  await sql`insert into certificate_tally (body_id, status, expires_on, certificates)
    select body_id, status, expires_on, count(*) from certificate group by 1, 2, 3`.execute(db);

  const year = (instant: string) => `extract(year from substr(${instant}, 1, 23)::timestamp + interval '8 hours')::integer`;
  const countNotice = (row: 'new' | 'old', change: 1 | -1) => `
    if ${row}.province is not null then
      insert into notice_body_tally (body_id, kind, scheme_id, province, year, notices)
        values (${row}.body_id, ${row}.kind, ${row}.scheme_id, ${row}.province, ${year(`${row}.window_start`)}, ${change})
      on conflict (body_id, kind, scheme_id, province, year) do update set notices = notice_body_tally.notices + ${change};
    end if;`;
  await sql
    .raw(`create function notice_body_tallied() returns trigger language plpgsql as $body$ begin
      if tg_op in ('UPDATE', 'DELETE') then ${countNotice('old', -1)} end if;
      if tg_op in ('INSERT', 'UPDATE') then ${countNotice('new', 1)} end if;
      return null;
    end $body$`)
    .execute(db);
  await sql`create trigger notice_body_tallied after insert or delete or update of body_id, kind, scheme_id, province, window_start on notice
    for each row execute function notice_body_tallied()`.execute(db);
  await sql
    .raw(`insert into notice_body_tally (body_id, kind, scheme_id, province, year, notices)
      select body_id, kind, scheme_id, province, ${year('window_start')}, count(*) from notice where province is not null group by 1, 2, 3, 4, 5`)
    .execute(db);
}

export async function dropBodyTallies(db: Kysely<any>): Promise<void> {
  for (const [trigger, table] of [
    ['certificate_tallied', 'certificate'],
    ['notice_body_tallied', 'notice'],
  ]) {
    await sql.raw(`drop trigger ${trigger} on ${table}; drop function ${trigger}()`).execute(db);
  }
}

/** Unless a writer that stamps everything itself holds a row in stamp_pause (see the migration). */
const UNPAUSED = 'not exists (select 1 from stamp_pause)';
/** Moves the rows of `table` whose `column` is among `ids` (a query) to the database's clock, never backwards. */
const restamp = (table: string, column: string, ids: string) =>
  `update ${table} set updated_at = greatest(updated_at, portal_stamp()) where ${column} in (${ids}) and ${UNPAUSED};`;
const changedComments = `select now.notice_id from new_comments as now join old_comments as before using (id)
  where (now.published = 1 or before.published = 1)
    and (now.published, now.kind, now.text, now.status, now.reply, now.finding, now.notice_id) is distinct from
      (before.published, before.kind, before.text, before.status, before.reply, before.finding, before.notice_id)
  union select before.notice_id from new_comments as now join old_comments as before using (id)
  where before.published = 1 and now.notice_id <> before.notice_id`;
const changedHolders = `select now.id from new_organisations as now join old_organisations as before using (id)
  where (now.name, now.uscc, now.province, now.address) is distinct from (before.name, before.uscc, before.province, before.address)`;
const eventsOf = (table: string) => `select certificate_id from ${table}`;
const UPDATED_WHEN_PUBLISHED_CHANGES: [name: string, table: string, event: string, transitions: string, body: string][] = [
  ['certificate_event_recorded', 'certificate_event', 'insert', 'new table as new_events', restamp('certificate', 'id', eventsOf('new_events'))],
  ['certificate_event_unrecorded', 'certificate_event', 'delete', 'old table as old_events', restamp('certificate', 'id', eventsOf('old_events'))],
  [
    'certificate_event_rerecorded',
    'certificate_event',
    'update',
    'old table as old_events new table as new_events',
    restamp('certificate', 'id', `${eventsOf('old_events')} union ${eventsOf('new_events')}`),
  ],
  [
    'organisation_published_changed',
    'organisation',
    'update',
    'old table as old_organisations new table as new_organisations',
    restamp('certificate', 'organisation_id', changedHolders) + restamp('notice', 'organisation_id', changedHolders),
  ],
  [
    'comment_published',
    'comment',
    'insert',
    'new table as new_comments',
    restamp('notice', 'id', 'select notice_id from new_comments where published = 1'),
  ],
  [
    'comment_unpublished',
    'comment',
    'delete',
    'old table as old_comments',
    restamp('notice', 'id', 'select notice_id from old_comments where published = 1'),
  ],
  ['comment_republished', 'comment', 'update', 'old table as old_comments new table as new_comments', restamp('notice', 'id', changedComments)],
];

/**
 * 2026-12-02T0700: updated_at moves whenever what the API publishes changes (the rules: the
 * migration's comment), as on SQLite: a row a writer changed without stamping it is stamped
 * before it is written; what moves a certificate or notice from elsewhere moves it once per statement.
 */
export async function updatedWhenPublishedChanges(db: Kysely<any>): Promise<void> {
  await sql`create function portal_stamp() returns text language sql volatile as $body$
    select to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') $body$`.execute(db);
  // Runs after notice_province_set (triggers run in name order): a province alone changed comes with its applicant's change, stamped as well.
  await sql
    .raw(`create function portal_row_stamped() returns trigger language plpgsql as $body$ begin
      if new.updated_at = old.updated_at and new is distinct from old and ${UNPAUSED} then
        new.updated_at := greatest(old.updated_at, portal_stamp());
      end if;
      return new;
    end $body$`)
    .execute(db);
  for (const table of ['certificate', 'notice']) {
    await sql.raw(`create trigger ${table}_stamped before update on ${table} for each row execute function portal_row_stamped()`).execute(db);
  }
  for (const [name, table, event, transitions, body] of UPDATED_WHEN_PUBLISHED_CHANGES)
    await statementTrigger(db, name, table, event, transitions, body);
}

export async function dropUpdatedWhenPublishedChanges(db: Kysely<any>): Promise<void> {
  for (const [name, table] of UPDATED_WHEN_PUBLISHED_CHANGES)
    await sql.raw(`drop trigger if exists ${name} on ${table}; drop function if exists ${name}()`).execute(db);
  for (const table of ['certificate', 'notice']) await sql.raw(`drop trigger if exists ${table}_stamped on ${table}`).execute(db);
  await sql`drop function if exists portal_row_stamped()`.execute(db);
  await sql`drop function if exists portal_stamp()`.execute(db);
}

/** 2026-12-02T0722: certificate.province and certificate_filter_tally, as ./sqlite.ts keeps them, by row triggers. */
export async function certificateProvinceAndTally(db: Kysely<any>): Promise<void> {
  await sql
    .raw(`create function certificate_province_set() returns trigger language plpgsql as $body$ begin
      if tg_op = 'INSERT' or new.organisation_id is distinct from old.organisation_id then
        new.province := (select province from organisation where organisation.id = new.organisation_id);
      end if;
      return new;
    end $body$`)
    .execute(db);
  await sql`create trigger certificate_province_set before insert or update on certificate for each row execute function certificate_province_set()`.execute(
    db,
  );
  await sql
    .raw(`create function organisation_province_to_certificates() returns trigger language plpgsql as $body$ begin
      update certificate set province = new.province where organisation_id = new.id;
      return null;
    end $body$`)
    .execute(db);
  await sql`create trigger organisation_province_to_certificates after update of province on organisation for each row
    when (new.province is distinct from old.province) execute function organisation_province_to_certificates()`.execute(db);

  const lapse = (row: string) =>
    `case when ${row}.status not in ('valid', 'suspended') then '' when ${row}.expires_on < since then 'past' else 'current' end`;
  const count = (row: 'new' | 'old', change: 1 | -1) => `
    if ${row}.province is not null then
      insert into certificate_filter_tally (body_id, scheme_id, province, status, lapse, certificates)
        values (${row}.body_id, ${row}.scheme_id, ${row}.province, ${row}.status, ${lapse(row)}, ${change})
      on conflict (body_id, scheme_id, province, status, lapse) do update set certificates = certificate_filter_tally.certificates + ${change};
    end if;`;
  // The day 'past' ends, under a share lock: the portal's daily move (for update) waits for writers, and they for it.
  await sql
    .raw(`create function certificate_filter_tallied() returns trigger language plpgsql as $body$ declare since text; begin
      select lapsed_before into since from certificate_filter_tally_since for share;
      if tg_op in ('UPDATE', 'DELETE') then ${count('old', -1)} end if;
      if tg_op in ('INSERT', 'UPDATE') then ${count('new', 1)} end if;
      return null;
    end $body$`)
    .execute(db);
  await sql`create trigger certificate_filter_tallied after insert or delete or update of body_id, scheme_id, province, status, expires_on on certificate
    for each row execute function certificate_filter_tallied()`.execute(db);
  await sql
    .raw(`insert into certificate_filter_tally (body_id, scheme_id, province, status, lapse, certificates)
      select body_id, scheme_id, province, status, ${lapse('certificate').replace('< since', '< (select lapsed_before from certificate_filter_tally_since)')}, count(*) from certificate group by 1, 2, 3, 4, 5`)
    .execute(db);
}

export async function dropCertificateProvinceAndTally(db: Kysely<any>): Promise<void> {
  for (const [trigger, table] of [
    ['certificate_province_set', 'certificate'],
    ['organisation_province_to_certificates', 'organisation'],
    ['certificate_filter_tallied', 'certificate'],
  ]) {
    await sql.raw(`drop trigger ${trigger} on ${table}; drop function ${trigger}()`).execute(db);
  }
}
