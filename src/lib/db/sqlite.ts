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

export interface HolderNameMatches {
  /** Certificates whose holder's search name contains the term. */
  total: number;
  /** Of which the name starts with the term. */
  atStart: number;
  /**
   * Certificate ids in ranked order: names that start with the term first (shorter names
   * first, so an exact name leads), then names that contain it; ties in registry order.
   */
  rankedIds(offset: number, limit: number): Promise<number[]>;
}

/**
 * Certificates by a substring (two characters or more, in search form) of their holder's
 * name, served by the indexes the migration keeps: the bigram table for two characters,
 * the FTS5 trigram index for more. Totals and pages come from the indexes alone.
 */
export async function matchHolderNames(db: PortalDb, term: string): Promise<HolderNameMatches> {
  const count = async (query: RawBuilder<{ total: number }>) => Number((await query.execute(db)).rows[0]?.total ?? 0);
  const ids = async (query: RawBuilder<{ id: number }>) => (await query.execute(db)).rows.map((row) => row.id);

  if (Array.from(term).length === 2) {
    const [total, atStart] = await Promise.all([
      count(sql`select count(*) as total from certificate_holder_bigram where bigram = ${term}`),
      count(sql`select count(*) as total from certificate_holder_bigram where bigram = ${term} and inside = 0`),
    ]);
    return {
      total,
      atStart,
      rankedIds: (offset, limit) =>
        ids(sql`select certificate_id as id from certificate_holder_bigram where bigram = ${term}
                order by inside, name_length, certificate_id limit ${limit} offset ${offset}`),
    };
  }

  // An FTS5 phrase: the term in double quotes (a quote inside doubled) is matched as text.
  const phrase = `"${term.replace(/"/g, '""')}"`;
  const startsWith = `^${phrase}`;
  const containsOnly = `${phrase} NOT ${startsWith}`;
  const [total, atStart] = await Promise.all([
    count(sql`select count(*) as total from certificate_holder_trigram where certificate_holder_trigram match ${phrase}`),
    count(sql`select count(*) as total from certificate_holder_trigram where certificate_holder_trigram match ${startsWith}`),
  ]);
  return {
    total,
    atStart,
    rankedIds: async (offset, limit) => {
      const leading =
        offset < atStart
          ? await ids(sql`select rowid as id from certificate_holder_trigram where certificate_holder_trigram match ${startsWith}
                          order by length(name), rowid limit ${limit} offset ${offset}`)
          : [];
      const wanted = limit - leading.length;
      if (wanted === 0) return leading;
      const inside = await ids(sql`select rowid as id from certificate_holder_trigram where certificate_holder_trigram match ${containsOnly}
                                   order by rowid limit ${wanted} offset ${Math.max(0, offset - atStart)}`);
      return [...leading, ...inside];
    },
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
