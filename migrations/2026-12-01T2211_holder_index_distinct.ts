import { sql, SqliteAdapter, type Kysely } from 'kysely';

/**
 * The holder-name index triggers inserted each two-character piece of a name with INSERT
 * OR IGNORE, to skip a piece the name repeats (…有限公司…分公司). Inside a trigger, SQLite
 * lets the statement that fired it decide conflicts: an upsert (INSERT … ON CONFLICT DO
 * UPDATE) that moved a certificate to such a holder was refused with a UNIQUE violation.
 * The triggers now insert each piece once (SELECT DISTINCT) and need no conflict clause.
 * Frozen.
 */
export async function up(db: Kysely<any>): Promise<void> {
  // PostgreSQL's triggers (./dialects/postgres.ts) were written with this fix: nothing to replace there.
  if (!(db.getExecutor().adapter instanceof SqliteAdapter)) return;
  await replaceTriggers(db, 'insert into certificate_holder_bigram (bigram, inside, name_length, certificate_id) select distinct');
}

export async function down(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof SqliteAdapter)) return;
  await replaceTriggers(db, 'insert or ignore into certificate_holder_bigram (bigram, inside, name_length, certificate_id) select');
}

async function replaceTriggers(db: Kysely<any>, insertPieces: string): Promise<void> {
  /** Indexes the certificates `source` yields as (certificate_id, name). */
  const indexHolderNames = (source: string) =>
    sql.raw(`
    insert into certificate_holder_trigram (rowid, name) select certificate_id, name from (${source});
    ${insertPieces} substr(name, n, 2), n > 1, case when n = 1 then length(name) else 0 end, certificate_id
      from (${source}) join name_position on n < length(name)
      where n = 1 or substr(name, n, 2) <> substr(name, 1, 2);`);
  const unindex = (certificateIds: string) =>
    sql.raw(`
    delete from certificate_holder_trigram where rowid in (${certificateIds});
    delete from certificate_holder_bigram where certificate_id in (${certificateIds});`);
  const newCertificate = 'select new.id as certificate_id, name_search as name from organisation where id = new.organisation_id';
  const renamedHolder = 'select id as certificate_id, new.name_search as name from certificate where organisation_id = new.id';
  for (const trigger of ['certificate_holder_indexed', 'certificate_holder_moved', 'organisation_renamed']) {
    await sql`drop trigger ${sql.id(trigger)}`.execute(db);
  }
  await sql`create trigger certificate_holder_indexed after insert on certificate begin
    ${indexHolderNames(newCertificate)} end`.execute(db);
  await sql`create trigger certificate_holder_moved after update of organisation_id on certificate begin
    ${unindex('select old.id')} ${indexHolderNames(newCertificate)} end`.execute(db);
  await sql`create trigger organisation_renamed after update of name_search on organisation begin
    ${unindex('select id from certificate where organisation_id = new.id')} ${indexHolderNames(renamedHolder)} end`.execute(db);
}
