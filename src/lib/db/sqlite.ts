/**
 * The SQLite seam: everything here is specific to SQLite (and better-sqlite3). The rest of
 * the code speaks portable SQL through Kysely; a PostgreSQL deployment replaces this file.
 */
import SQLite from 'better-sqlite3';
import { CamelCasePlugin, Kysely, SqliteDialect, sql, type RawBuilder } from 'kysely';
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

/**
 * Name matches are counted and ranked up to this many certificates: "有限公司" is in nearly
 * every name, and counting a million matches would read most of the registry.
 */
export const HOLDER_MATCH_LIMIT = 1000;

export interface HolderNameMatches {
  /** Certificates whose holder's search name contains the term, at most HOLDER_MATCH_LIMIT. */
  total: number;
  /** More than HOLDER_MATCH_LIMIT match: `total` is the limit, and only that many are ranked. */
  capped: boolean;
  /**
   * Certificate ids in ranked order: holders whose name starts with the term first (shorter
   * names first, so an exact name leads), then holders whose name contains it, in registry
   * order; a holder's certificates together, in registry order.
   */
  rankedIds(offset: number, limit: number): Promise<number[]>;
}

/**
 * Certificates by a substring (two characters or more, in search form) of their holder's
 * name, served by the indexes migrations keep on organisations: the bigram table for two
 * characters, the FTS5 trigram index and the name_search index for more. Every query reads
 * at most HOLDER_MATCH_LIMIT entries (plus one, to know there are more).
 */
export async function matchHolderNames(db: PortalDb, term: string): Promise<HolderNameMatches> {
  const ids = async (query: RawBuilder<{ id: number }>) => (await query.execute(db)).rows.map((row) => row.id);
  // Only the first HOLDER_MATCH_LIMIT are ranked: a page past them is empty without reading anything.
  const page = (rank: (offset: number, limit: number) => Promise<number[]>) => (offset: number, limit: number) =>
    offset >= HOLDER_MATCH_LIMIT ? Promise.resolve([]) : rank(offset, Math.min(limit, HOLDER_MATCH_LIMIT - offset));
  const counted = async (matches: RawBuilder<unknown>) => {
    const { rows } = await sql<{ total: number }>`select count(*) as total from (${matches} limit ${HOLDER_MATCH_LIMIT + 1})`.execute(db);
    const total = Number(rows[0]?.total ?? 0);
    return { total: Math.min(total, HOLDER_MATCH_LIMIT), capped: total > HOLDER_MATCH_LIMIT };
  };

  if (Array.from(term).length === 2) {
    // The primary key's order is the ranked order: no sort, and a page reads only its rows.
    const matches = sql`select certificate.id from organisation_name_bigram as entry
      join certificate on certificate.organisation_id = entry.organisation_id where entry.bigram = ${term}`;
    return {
      ...(await counted(matches)),
      rankedIds: page((offset, limit) =>
        ids(sql`${matches} order by entry.inside, entry.name_length, entry.organisation_id, certificate.id
                limit ${limit} offset ${offset}`),
      ),
    };
  }

  // An FTS5 phrase: the term in double quotes (a quote inside doubled) is matched as text.
  const phrase = `"${term.replace(/"/g, '""')}"`;
  const length = Array.from(term).length;
  return {
    ...(await counted(sql`select 1 from organisation_name_trigram as holder
      join certificate on certificate.organisation_id = holder.rowid where organisation_name_trigram match ${phrase}`)),
    rankedIds: page((offset, limit) =>
      ids(sql`select certificate.id from (
          select 0 as part, length(name_search) as name_length, id as organisation_id from (
            select id, name_search from organisation where name_search >= ${term} and name_search < ${`${term}\u{10FFFF}`}
            order by name_search limit ${HOLDER_MATCH_LIMIT})
          union all
          select 1, 0, rowid from (
            select rowid from organisation_name_trigram where organisation_name_trigram match ${phrase}
            and substr(name, 1, ${length}) <> ${term} order by rowid limit ${HOLDER_MATCH_LIMIT})
        ) as holder join certificate on certificate.organisation_id = holder.organisation_id
        order by holder.part, holder.name_length, holder.organisation_id, certificate.id limit ${limit} offset ${offset}`),
    ),
  };
}

/**
 * Copies the database at `path` into the new file `target` while the portal goes on
 * reading and writing: SQLite's online backup, on a connection of its own. After the first
 * step has sized it, every page is copied in one step, that is inside one read
 * transaction, so the copy is the database as of one commit (WAL lets writers go on), and
 * never restarts however often comments arrive meanwhile.
 */
export async function backupDatabase(path: string, target: string): Promise<{ pages: number }> {
  const connection = new SQLite(path, { readonly: true, fileMustExist: true });
  try {
    const { totalPages } = await connection.backup(target, { progress: () => 0x7fffffff });
    return { pages: totalPages };
  } finally {
    connection.close();
  }
}

/**
 * Whether a write lost to another process's: in WAL mode SQLite refuses a transaction that
 * read before another connection committed (SQLITE_BUSY_SNAPSHOT), and gives up on a lock
 * held past the busy timeout (SQLITE_BUSY). better-sqlite3 errors carry that code.
 */
export function isWriteConflict(error: unknown): boolean {
  return sqliteCode(error).startsWith('SQLITE_BUSY');
}

/** Whether the schema refused a row (a unique, foreign key or check constraint). */
export function isConstraintViolation(error: unknown): boolean {
  return sqliteCode(error).startsWith('SQLITE_CONSTRAINT');
}

function sqliteCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

/**
 * Runs `work` in one transaction set for writing a very large amount of data known to be
 * consistent (the generated demo and benchmark data sets):
 * - a rollback journal instead of the WAL: a page of a new file is written once, instead of
 *   once to the WAL and again at checkpoint;
 * - a page cache of `cacheMegabytes`, so that the indexes being filled stay in memory;
 * - neither foreign key lookups nor check constraints;
 * - the secondary indexes of `tables` (those not behind a UNIQUE constraint) dropped, and
 *   made again from their own definitions once the rows are in: one sort instead of a
 *   million scattered inserts; FTS5 tables merge their segments once at the end.
 * Being one transaction, it leaves the schema as it found it if anything fails. The usual
 * settings come back afterwards. It must be the only connection to the file (another one
 * keeps the journal in WAL mode, and `work` only runs slower).
 */
export async function withBulkWriting<T>(
  db: PortalDb,
  options: { cacheMegabytes: number; tables: readonly string[] },
  work: (trx: PortalDb) => Promise<T>,
): Promise<T> {
  const { rows } = await sql<{ cache_size: number }>`pragma cache_size`.execute(db);
  const usualCache = rows[0]?.cache_size ?? -2000;
  await sql`pragma journal_mode = delete`.execute(db);
  await sql`pragma foreign_keys = off`.execute(db);
  await sql`pragma ignore_check_constraints = on`.execute(db);
  await sql.raw(`pragma cache_size = ${-Math.round(options.cacheMegabytes * 1024)}`).execute(db);
  try {
    return await db.transaction().execute(async (trx) => {
      const tables = sql.join(options.tables.map((table) => sql.lit(table)));
      const { rows: indexes } = await sql<{ name: string; sql: string }>`
        select name, sql from sqlite_master where type = 'index' and sql is not null and tbl_name in (${tables})`.execute(trx);
      const { rows: fullText } = await sql<{ name: string }>`
        select name from sqlite_master where type = 'table' and sql like 'create virtual table % using fts5%' collate nocase`.execute(trx);
      for (const index of indexes) await sql`drop index ${sql.ref(index.name)}`.execute(trx);
      for (const { name } of fullText) await sql`insert into ${sql.table(name)} (${sql.ref(name)}, rank) values ('automerge', 0)`.execute(trx);
      const result = await work(trx);
      for (const index of indexes) await sql.raw(index.sql).execute(trx);
      for (const { name } of fullText) {
        await sql`insert into ${sql.table(name)} (${sql.ref(name)}) values ('optimize')`.execute(trx);
        await sql`insert into ${sql.table(name)} (${sql.ref(name)}, rank) values ('automerge', 4)`.execute(trx);
      }
      return result;
    });
  } finally {
    await sql.raw(`pragma cache_size = ${usualCache}`).execute(db);
    await sql`pragma ignore_check_constraints = off`.execute(db);
    await sql`pragma foreign_keys = on`.execute(db);
    await sql`pragma journal_mode = wal`.execute(db);
  }
}
