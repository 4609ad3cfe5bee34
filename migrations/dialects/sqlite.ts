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
  for (const table of ['name_position', 'certificate_holder_trigram', 'certificate_holder_bigram']) await db.schema.dropTable(table).ifExists().execute();
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
    await sql.raw(`create trigger ${table}_instants_${event} before ${when} on ${table} when ${wrong} begin select raise(abort, '${message}'); end`).execute(db);
  }
}

export async function dropInstantChecks(db: Kysely<any>, table: string): Promise<void> {
  for (const event of ['insert', 'update']) await sql.raw(`drop trigger ${table}_instants_${event}`).execute(db);
}
