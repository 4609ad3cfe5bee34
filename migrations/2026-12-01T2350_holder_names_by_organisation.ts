import { sql, SqliteAdapter, type Kysely } from 'kysely';

/**
 * The holder name index, one entry per organisation instead of one per certificate: a
 * national registry holds a million certificates of some 650,000 holders, and the per-row
 * triggers on certificates made loading it (or a large import) spend most of its time on
 * the index. A lookup joins an organisation's certificates through certificate_organisation.
 * - organisation_name_bigram: every overlapping two-character piece of name_search, for
 *   two-character queries; `inside` is 0 for the piece the name starts with (with the
 *   name's length, so shorter names rank first), 1 for the rest. Its primary key is the
 *   ranked order, and a name's entries are found again from the name itself, so it needs no
 *   second index.
 * - organisation_name_trigram: FTS5 trigram index of name_search (rowid = organisation id),
 *   for three characters or more.
 * - organisation_name_search: names that start with a query, in order, without scanning.
 * Triggers on organisation keep them right whoever writes. Frozen.
 */
export async function up(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof SqliteAdapter)) {
    throw new Error('This migration has SQLite triggers only; add the PostgreSQL ones before running it there.');
  }
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
  await db.schema.createIndex('organisation_name_search').on('organisation').column('name_search').execute();

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
  await sql`create trigger organisation_name_changed after update of name_search on organisation begin ${unindex('old')} ${index('new')} end`.execute(db);
  await sql`create trigger organisation_name_unindexed after delete on organisation begin ${unindex('old')} end`.execute(db);

  await sql`insert into organisation_name_trigram (rowid, name) select id, name_search from organisation`.execute(db);
  await sql
    .raw(`insert into organisation_name_bigram (bigram, inside, name_length, organisation_id)
      ${bigrams('organisation.id', 'organisation.name_search', 'organisation join name_position')}`)
    .execute(db);
}

/** The per-certificate index it replaced is not rebuilt: going back is restoring a backup. */
export async function down(): Promise<void> {
  throw new Error('2026-12-01T2350_holder_names_by_organisation cannot be undone; restore a backup taken before it.');
}
