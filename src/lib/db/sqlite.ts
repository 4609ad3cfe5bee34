/**
 * The SQLite seam: everything here is specific to SQLite (and better-sqlite3). The rest of
 * the code speaks portable SQL through Kysely; a PostgreSQL deployment replaces this file.
 */
import SQLite from 'better-sqlite3';
import { CamelCasePlugin, Kysely, SqliteDialect, sql, type Expression, type SqlBool } from 'kysely';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { PortalDatabase, PortalDb } from './database.ts';

/** Opens the database file, creating its folder, with the settings the portal relies on. */
export function openDatabase(path: string): PortalDb {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const connection = new SQLite(path);
  // WAL lets the back office write while the portal reads; FULL syncs every commit, so
  // an acknowledged comment survives a power cut; the busy timeout waits out a writer.
  connection.pragma('journal_mode = WAL');
  connection.pragma('synchronous = FULL');
  connection.pragma('foreign_keys = ON');
  connection.pragma('busy_timeout = 5000');
  return new Kysely<PortalDatabase>({
    dialect: new SqliteDialect({ database: connection }),
    plugins: [new CamelCasePlugin()],
  });
}

/** Most postings worth counting when choosing the bigram to search by. */
const BIGRAM_COUNT_CAP = 5000;

/**
 * A condition on `organisation` (by table name) that holds when its search name contains
 * `term` (two characters or more, already in search form). The rarest of the term's bigrams
 * narrows the candidates through the bigram index; instr() confirms the whole substring.
 */
export async function organisationNameContains(db: PortalDb, term: string): Promise<Expression<SqlBool>> {
  const characters = Array.from(term);
  const bigrams = [...new Set(characters.slice(1).map((character, i) => characters[i] + character))];
  const counts = await Promise.all(
    bigrams.map(async (bigram) => {
      const { rows } = await sql<{ postings: number }>`
        select count(*) as postings from
          (select 1 from organisation_name_bigram where bigram = ${bigram} limit ${BIGRAM_COUNT_CAP}) as capped`.execute(db);
      return { bigram, postings: rows[0]?.postings ?? 0 };
    }),
  );
  const rarest = counts.reduce((best, candidate) => (candidate.postings < best.postings ? candidate : best));
  return sql<SqlBool>`(organisation.id in (select organisation_id from organisation_name_bigram where bigram = ${rarest.bigram})
    and instr(organisation.name_search, ${term}) > 0)`;
}
