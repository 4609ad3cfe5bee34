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
  await sql.raw(`create trigger ${name} after ${event} on ${table} referencing ${transitions} for each statement execute function ${name}()`).execute(db);
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

  const moved = 'select now.id from new_certificates as now join old_certificates as before using (id) where now.organisation_id <> before.organisation_id';
  await statementTrigger(
    db,
    'certificate_holder_indexed',
    'certificate',
    'insert',
    'new table as new_certificates',
    indexHolderNames('select c.id as certificate_id, o.name_search as name from new_certificates as c join organisation as o on o.id = c.organisation_id'),
  );
  await statementTrigger(
    db,
    'certificate_holder_moved',
    'certificate',
    'update',
    'old table as old_certificates new table as new_certificates',
    unindex(moved) +
      indexHolderNames(`select c.id as certificate_id, o.name_search as name from certificate as c join organisation as o on o.id = c.organisation_id where c.id in (${moved})`),
  );
  await statementTrigger(db, 'certificate_holder_unindexed', 'certificate', 'delete', 'old table as old_certificates', unindex('select id from old_certificates'));
  const renamed = 'select now.id from new_organisations as now join old_organisations as before using (id) where now.name_search <> before.name_search';
  await statementTrigger(
    db,
    'organisation_renamed',
    'organisation',
    'update',
    'old table as old_organisations new table as new_organisations',
    unindex(`select id from certificate where organisation_id in (${renamed})`) +
      indexHolderNames(`select c.id as certificate_id, o.name_search as name from certificate as c join organisation as o on o.id = c.organisation_id where o.id in (${renamed})`),
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
  const right = columns.map((column) => `${column} ~ '^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z$'`).join(' and ');
  await sql.raw(`alter table ${table} add constraint ${table}_instants check (${right})`).execute(db);
}

export async function dropInstantChecks(db: Kysely<any>, table: string): Promise<void> {
  await sql.raw(`alter table ${table} drop constraint ${table}_instants`).execute(db);
}
