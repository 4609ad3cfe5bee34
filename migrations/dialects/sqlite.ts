/**
 * The SQLite half of the schema seam: what only SQLite does in the migrations. Each step is
 * frozen with the migration that calls it; a later change is a new step for a new migration.
 * (The portal's other SQLite seam, src/lib/db/sqlite.ts, is for the running portal; migrations
 * import nothing of the application.)
 */
import { sql, type ColumnDefinitionBuilder, type Kysely } from 'kysely';

/** A row id the database assigns: SQLite's rowid alias. */
export const generatedId = (column: ColumnDefinitionBuilder) => column.primaryKey();

/**
 * 2026-11-26T0900: substring search on holder names, one entry per certificate so that a
 * query's total and its first page are read from an index without touching each match:
 * - two-character queries (common in Chinese, too short for a trigram index) use every
 *   overlapping two-character piece of the name; `inside` is 0 for the piece the name
 *   starts with (with the name's length, so exact and shorter names rank first), 1 for
 *   the rest, so the ranked order is the primary key's order;
 * - longer queries use an FTS5 trigram index of the name, rowid = certificate id.
 * Triggers keep both right whoever writes (the portal, the import or the back office
 * directly). name_position supplies the offsets 1..300 into a name.
 */
export async function holderNameIndexes(db: Kysely<any>): Promise<void> {
  await sql`create table certificate_holder_bigram (
    bigram text not null,
    inside integer not null,
    name_length integer not null,
    certificate_id integer not null,
    primary key (bigram, inside, name_length, certificate_id)
  ) without rowid`.execute(db);
  await sql`create index certificate_holder_bigram_certificate on certificate_holder_bigram (certificate_id)`.execute(db);
  await sql`create virtual table certificate_holder_trigram using fts5(name, tokenize = 'trigram')`.execute(db);

  await sql`create table name_position (n integer primary key)`.execute(db);
  await sql`
    with recursive position(n) as (select 1 union all select n + 1 from position where n < 300)
    insert into name_position (n) select n from position`.execute(db);
  /** Indexes the certificates `source` yields as (certificate_id, name). */
  const indexHolderNames = (source: string) =>
    sql.raw(`
    insert into certificate_holder_trigram (rowid, name) select certificate_id, name from (${source});
    insert or ignore into certificate_holder_bigram (bigram, inside, name_length, certificate_id)
      select substr(name, n, 2), n > 1, case when n = 1 then length(name) else 0 end, certificate_id
      from (${source}) join name_position on n < length(name)
      where n = 1 or substr(name, n, 2) <> substr(name, 1, 2);`);
  const unindex = (certificateIds: string) =>
    sql.raw(`
    delete from certificate_holder_trigram where rowid in (${certificateIds});
    delete from certificate_holder_bigram where certificate_id in (${certificateIds});`);
  const newCertificate = 'select new.id as certificate_id, name_search as name from organisation where id = new.organisation_id';
  const renamedHolder = 'select id as certificate_id, new.name_search as name from certificate where organisation_id = new.id';
  await sql`create trigger certificate_holder_indexed after insert on certificate begin
    ${indexHolderNames(newCertificate)} end`.execute(db);
  await sql`create trigger certificate_holder_moved after update of organisation_id on certificate begin
    ${unindex('select old.id')} ${indexHolderNames(newCertificate)} end`.execute(db);
  await sql`create trigger certificate_holder_unindexed after delete on certificate begin
    ${unindex('select old.id')} end`.execute(db);
  await sql`create trigger organisation_renamed after update of name_search on organisation begin
    ${unindex('select id from certificate where organisation_id = new.id')} ${indexHolderNames(renamedHolder)} end`.execute(db);
}

export async function dropHolderNameIndexes(db: Kysely<any>): Promise<void> {
  for (const table of ['name_position', 'certificate_holder_trigram', 'certificate_holder_bigram'])
    await db.schema.dropTable(table).ifExists().execute();
}

/**
 * 2026-12-01T2210: instants in their one stored form. SQLite cannot add a CHECK to an
 * existing table, so the check is a trigger before each insert and update; strftime gives
 * the canonical form of a valid instant, and NULL for anything else.
 */
export async function instantChecks(db: Kysely<any>, table: string, columns: readonly string[], message: string): Promise<void> {
  const wrong = columns.map((column) => `new.${column} is not strftime('%Y-%m-%dT%H:%M:%fZ', new.${column})`).join(' or ');
  for (const [event, when] of [
    ['insert', 'insert'],
    ['update', `update of ${columns.join(', ')}`],
  ] as const) {
    await sql
      .raw(`create trigger ${table}_instants_${event} before ${when} on ${table} when ${wrong} begin select raise(abort, '${message}'); end`)
      .execute(db);
  }
}

export async function dropInstantChecks(db: Kysely<any>, table: string): Promise<void> {
  for (const event of ['insert', 'update']) await sql.raw(`drop trigger ${table}_instants_${event}`).execute(db);
}

/** 2026-12-01T2235: when each certificate's next surveillance is due (the rule: the migration's comment). */
export async function surveillanceDue(db: Kysely<any>): Promise<void> {
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

export async function dropSurveillanceDue(db: Kysely<any>): Promise<void> {
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

/**
 * 2026-12-01T2350: the holder name index per organisation (the design: the migration's
 * comment), replacing the per-certificate one. Triggers per row keep it right whoever writes.
 */
export async function holderNamesByOrganisation(db: Kysely<any>): Promise<void> {
  for (const trigger of ['certificate_holder_indexed', 'certificate_holder_moved', 'certificate_holder_unindexed', 'organisation_renamed']) {
    await sql`drop trigger if exists ${sql.id(trigger)}`.execute(db);
  }
  await sql`drop table if exists certificate_holder_bigram`.execute(db);
  await sql`drop table if exists certificate_holder_trigram`.execute(db);

  await sql`create table organisation_name_bigram (
    bigram text not null,
    inside integer not null,
    name_length integer not null,
    organisation_id integer not null,
    primary key (bigram, inside, name_length, organisation_id)
  ) without rowid`.execute(db);
  await sql`create virtual table organisation_name_trigram using fts5(name, tokenize = 'trigram')`.execute(db);

  /**
   * The bigram entries of the name `name` of organisation `id` (SQL expressions), as rows of
   * the primary key, each once: inside a trigger, INSERT OR IGNORE would give way to the
   * conflict handling of the statement that fired it (an import's upsert).
   */
  const bigrams = (id: string, name: string, from = 'name_position') => `
    select distinct substr(${name}, n, 2), n > 1, case when n = 1 then length(${name}) else 0 end, ${id}
    from ${from} where n < length(${name}) and (n = 1 or substr(${name}, n, 2) <> substr(${name}, 1, 2))`;
  const index = (row: 'new') =>
    sql.raw(`
    insert into organisation_name_trigram (rowid, name) values (${row}.id, ${row}.name_search);
    insert into organisation_name_bigram (bigram, inside, name_length, organisation_id) ${bigrams(`${row}.id`, `${row}.name_search`)};`);
  const unindex = (row: 'old') =>
    sql.raw(`
    delete from organisation_name_trigram where rowid = ${row}.id;
    delete from organisation_name_bigram where (bigram, inside, name_length, organisation_id) in (${bigrams(`${row}.id`, `${row}.name_search`)});`);
  await sql`create trigger organisation_name_indexed after insert on organisation begin ${index('new')} end`.execute(db);
  await sql`create trigger organisation_name_changed after update of name_search on organisation begin ${unindex('old')} ${index('new')} end`.execute(
    db,
  );
  await sql`create trigger organisation_name_unindexed after delete on organisation begin ${unindex('old')} end`.execute(db);

  await sql`insert into organisation_name_trigram (rowid, name) select id, name_search from organisation`.execute(db);
  await sql
    .raw(`insert into organisation_name_bigram (bigram, inside, name_length, organisation_id)
      ${bigrams('organisation.id', 'organisation.name_search', 'organisation join name_position')}`)
    .execute(db);
}

/** The Beijing calendar year of a stored UTC instant (an SQL expression). */
const beijingYear = (instant: string) => `cast(strftime('%Y', ${instant}, '+8 hours') as integer)`;

/**
 * 2026-12-02T0100: notice.province from the applicant, and notice_tally, kept by triggers per
 * row (the design: the migration's comment). A notice is tallied once its province is set:
 * the insert trigger sets it by an update, which the tally trigger counts.
 */
export async function noticeProvinceAndTally(db: Kysely<any>): Promise<void> {
  const fromApplicant = sql.raw(
    `update notice set province = (select province from organisation where organisation.id = new.organisation_id) where id = new.id;`,
  );
  await sql`create trigger notice_province_set after insert on notice begin ${fromApplicant} end`.execute(db);
  await sql`create trigger notice_province_moved after update of organisation_id on notice begin ${fromApplicant} end`.execute(db);
  await sql`create trigger organisation_province_changed after update of province on organisation begin
    update notice set province = new.province where organisation_id = new.id; end`.execute(db);

  /** The tally's key of notice `row` (new or old): its Beijing year is that of its window start. */
  const key = (row: 'new' | 'old') =>
    `kind = ${row}.kind and scheme_id = ${row}.scheme_id and province = ${row}.province and year = ${beijingYear(`${row}.window_start`)}`;
  const count = (row: 'new' | 'old', change: '+ 1' | '- 1') =>
    sql.raw(`
    insert into notice_tally (kind, scheme_id, province, year, notices)
      select ${row}.kind, ${row}.scheme_id, ${row}.province, ${beijingYear(`${row}.window_start`)}, 0
      where ${row}.province is not null and not exists (select 1 from notice_tally where ${key(row)});
    update notice_tally set notices = notices ${change} where ${row}.province is not null and ${key(row)};`);
  await sql`create trigger notice_tallied after update of kind, scheme_id, province, window_start on notice begin
    ${count('old', '- 1')} ${count('new', '+ 1')} end`.execute(db);
  await sql`create trigger notice_untallied after delete on notice begin ${count('old', '- 1')} end`.execute(db);
  await sql
    .raw(`insert into notice_tally (kind, scheme_id, province, year, notices)
      select kind, scheme_id, province, ${beijingYear('window_start')}, count(*) from notice group by 1, 2, 3, 4`)
    .execute(db);
}

export async function dropNoticeProvinceAndTally(db: Kysely<any>): Promise<void> {
  for (const trigger of ['notice_tallied', 'notice_untallied', 'notice_province_set', 'notice_province_moved', 'organisation_province_changed']) {
    await sql`drop trigger ${sql.id(trigger)}`.execute(db);
  }
}

/** 2026-12-02T0400: nothing to do; every SQLite connection sees others' commits in its data_version. */
export async function changeNotifications(_db: Kysely<any>): Promise<void> {}

export async function dropChangeNotifications(_db: Kysely<any>): Promise<void> {}

/**
 * 2026-12-02T0710: certificate_tally and notice_body_tally kept by triggers. A notice is
 * counted once its province is set (notice_province_set's update after its insert), as
 * notice_tally counts it.
 */
export async function bodyTallies(db: Kysely<any>): Promise<void> {
  const certificateKey = (row: 'new' | 'old') => `body_id = ${row}.body_id and status = ${row}.status and expires_on = ${row}.expires_on`;
  const countCertificate = (row: 'new' | 'old', change: '+ 1' | '- 1') => `
    insert into certificate_tally (body_id, status, expires_on, certificates)
      select ${row}.body_id, ${row}.status, ${row}.expires_on, 0
      where not exists (select 1 from certificate_tally where ${certificateKey(row)});
    update certificate_tally set certificates = certificates ${change} where ${certificateKey(row)};`;
  await sql.raw(`create trigger certificate_tallied after insert on certificate begin ${countCertificate('new', '+ 1')} end`).execute(db);
  await sql
    .raw(`create trigger certificate_retallied after update of body_id, status, expires_on on certificate begin
    ${countCertificate('old', '- 1')} ${countCertificate('new', '+ 1')} end`)
    .execute(db);
  await sql.raw(`create trigger certificate_untallied after delete on certificate begin ${countCertificate('old', '- 1')} end`).execute(db);
  await sql
    .raw(`insert into certificate_tally (body_id, status, expires_on, certificates)
    select body_id, status, expires_on, count(*) from certificate group by 1, 2, 3`)
    .execute(db);

  const noticeKey = (row: 'new' | 'old') =>
    `body_id = ${row}.body_id and kind = ${row}.kind and scheme_id = ${row}.scheme_id and province = ${row}.province and year = ${beijingYear(`${row}.window_start`)}`;
  const countNotice = (row: 'new' | 'old', change: '+ 1' | '- 1') => `
    insert into notice_body_tally (body_id, kind, scheme_id, province, year, notices)
      select ${row}.body_id, ${row}.kind, ${row}.scheme_id, ${row}.province, ${beijingYear(`${row}.window_start`)}, 0
      where ${row}.province is not null and not exists (select 1 from notice_body_tally where ${noticeKey(row)});
    update notice_body_tally set notices = notices ${change} where ${row}.province is not null and ${noticeKey(row)};`;
  await sql
    .raw(`create trigger notice_body_tallied after update of body_id, kind, scheme_id, province, window_start on notice begin
    ${countNotice('old', '- 1')} ${countNotice('new', '+ 1')} end`)
    .execute(db);
  await sql.raw(`create trigger notice_body_untallied after delete on notice begin ${countNotice('old', '- 1')} end`).execute(db);
  await sql
    .raw(`insert into notice_body_tally (body_id, kind, scheme_id, province, year, notices)
    select body_id, kind, scheme_id, province, ${beijingYear('window_start')}, count(*) from notice where province is not null group by 1, 2, 3, 4, 5`)
    .execute(db);
}

export async function dropBodyTallies(db: Kysely<any>): Promise<void> {
  for (const trigger of ['certificate_tallied', 'certificate_retallied', 'certificate_untallied', 'notice_body_tallied', 'notice_body_untallied']) {
    await sql`drop trigger ${sql.id(trigger)}`.execute(db);
  }
}

/** The database's clock as a stored instant. */
const STAMP = `strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`;
/** Moves the rows of `table` that `where` names to the database's clock, never backwards. */
const restamp = (table: string, where: string) => `update ${table} set updated_at = max(updated_at, ${STAMP}) where ${where};`;
/** Unless a writer that stamps everything itself holds a row in stamp_pause (see the migration). */
const UNPAUSED = 'not exists (select 1 from stamp_pause)';

const UPDATED_WHEN_PUBLISHED_CHANGES: [name: string, trigger: string][] = [
  // A row a writer changed without stamping it (province alone is the triggers' copy of the applicant's).
  [
    'certificate_stamped',
    `after update on certificate when new.updated_at is old.updated_at and ${UNPAUSED} begin ${restamp('certificate', 'id = new.id')} end`,
  ],
  [
    'notice_stamped',
    `after update on notice when new.updated_at is old.updated_at and new.province is old.province and ${UNPAUSED} begin ${restamp('notice', 'id = new.id')} end`,
  ],
  ['certificate_event_recorded', `after insert on certificate_event when ${UNPAUSED} begin ${restamp('certificate', 'id = new.certificate_id')} end`],
  [
    'certificate_event_unrecorded',
    `after delete on certificate_event when ${UNPAUSED} begin ${restamp('certificate', 'id = old.certificate_id')} end`,
  ],
  [
    'certificate_event_rerecorded',
    `after update on certificate_event when ${UNPAUSED} begin ${restamp('certificate', 'id in (old.certificate_id, new.certificate_id)')} end`,
  ],
  [
    'organisation_published_changed',
    `after update of name, uscc, province, address on organisation
      when (new.name is not old.name or new.uscc is not old.uscc or new.province is not old.province or new.address is not old.address) and ${UNPAUSED}
      begin ${restamp('certificate', 'organisation_id = new.id')} ${restamp('notice', 'organisation_id = new.id')} end`,
  ],
  ['comment_published', `after insert on comment when new.published = 1 and ${UNPAUSED} begin ${restamp('notice', 'id = new.notice_id')} end`],
  ['comment_unpublished', `after delete on comment when old.published = 1 and ${UNPAUSED} begin ${restamp('notice', 'id = old.notice_id')} end`],
  [
    'comment_republished',
    `after update of published, kind, text, status, reply, finding, notice_id on comment when (new.published = 1 or old.published = 1) and ${UNPAUSED}
      begin ${restamp('notice', 'id in (old.notice_id, new.notice_id)')} end`,
  ],
];

/** 2026-12-02T0700: updated_at moves whenever what the API publishes changes (the rules: the migration's comment). */
export async function updatedWhenPublishedChanges(db: Kysely<any>): Promise<void> {
  for (const [name, trigger] of UPDATED_WHEN_PUBLISHED_CHANGES) await sql.raw(`create trigger ${name} ${trigger}`).execute(db);
}

export async function dropUpdatedWhenPublishedChanges(db: Kysely<any>): Promise<void> {
  for (const [name] of UPDATED_WHEN_PUBLISHED_CHANGES) await sql`drop trigger if exists ${sql.id(name)}`.execute(db);
}

/**
 * 2026-12-02T0722: certificate.province from the holder, and certificate_filter_tally, kept by
 * triggers per row (the design: the migration's comment). As for notices, a certificate is
 * tallied once its province is set: the insert trigger sets it by an update, which the tally
 * trigger counts.
 */
export async function certificateProvinceAndTally(db: Kysely<any>): Promise<void> {
  const fromHolder = sql.raw(
    `update certificate set province = (select province from organisation where organisation.id = new.organisation_id) where id = new.id;`,
  );
  await sql`create trigger certificate_province_set after insert on certificate begin ${fromHolder} end`.execute(db);
  await sql`create trigger certificate_province_moved after update of organisation_id on certificate begin ${fromHolder} end`.execute(db);
  await sql`create trigger organisation_province_to_certificates after update of province on organisation begin
    update certificate set province = new.province where organisation_id = new.id; end`.execute(db);

  const lapse = (row: string) =>
    `case when ${row}.status not in ('valid', 'suspended') then '' when ${row}.expires_on < (select lapsed_before from certificate_filter_tally_since) then 'past' else 'current' end`;
  const key = (row: 'new' | 'old') =>
    `body_id = ${row}.body_id and scheme_id = ${row}.scheme_id and province = ${row}.province and status = ${row}.status and lapse = ${lapse(row)}`;
  const count = (row: 'new' | 'old', change: '+ 1' | '- 1') =>
    sql.raw(`
    insert into certificate_filter_tally (body_id, scheme_id, province, status, lapse, certificates)
      select ${row}.body_id, ${row}.scheme_id, ${row}.province, ${row}.status, ${lapse(row)}, 0
      where ${row}.province is not null and not exists (select 1 from certificate_filter_tally where ${key(row)});
    update certificate_filter_tally set certificates = certificates ${change} where ${row}.province is not null and ${key(row)};`);
  await sql`create trigger certificate_filter_tallied after update of body_id, scheme_id, province, status, expires_on on certificate begin
    ${count('old', '- 1')} ${count('new', '+ 1')} end`.execute(db);
  await sql`create trigger certificate_filter_untallied after delete on certificate begin ${count('old', '- 1')} end`.execute(db);
  await sql
    .raw(`insert into certificate_filter_tally (body_id, scheme_id, province, status, lapse, certificates)
      select body_id, scheme_id, province, status, ${lapse('certificate')}, count(*) from certificate group by 1, 2, 3, 4, 5`)
    .execute(db);
}

export async function dropCertificateProvinceAndTally(db: Kysely<any>): Promise<void> {
  for (const trigger of [
    'certificate_filter_tallied',
    'certificate_filter_untallied',
    'certificate_province_set',
    'certificate_province_moved',
    'organisation_province_to_certificates',
  ]) {
    await sql`drop trigger ${sql.id(trigger)}`.execute(db);
  }
}
