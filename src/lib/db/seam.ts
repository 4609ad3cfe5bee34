import { setTimeout as sleep } from 'node:timers/promises';
import { PostgresAdapter, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import type { PortalDb } from './database.ts';
import type { HolderNameMatches } from './holder-names.ts';
import {
  isPostgresConstraintViolation,
  matchPostgresHolderNames,
  postgresContains,
  postgresChangesOf,
  postgresChangeWaiter,
  postgresCommitCounter,
  postgresOneAtATime,
} from './postgres.ts';
import {
  isConstraintViolation as isSqliteConstraintViolation,
  matchHolderNames as matchSqliteHolderNames,
  commitCounter as sqliteCommitCounter,
  sqliteContains,
} from './sqlite.ts';

/** What only one database can do, each in its own seam (sqlite.ts, postgres.ts), reached through the connection at hand. */
interface DatabaseSeam {
  matchHolderNames(db: PortalDb, term: string): Promise<HolderNameMatches>;
  isConstraintViolation(error: unknown): boolean;
  contains(column: string, text: string): RawBuilder<SqlBool>;
  oneAtATime(trx: PortalDb, key: string): Promise<void>;
  commitCounter(db: PortalDb): Promise<() => number>;
  changeWaiter(db: PortalDb, tables: readonly string[], pollMilliseconds: number): () => Promise<void>;
  changesOf(db: PortalDb, tables: readonly string[]): Promise<() => boolean>;
}

/** SQLite tells of commits, not of tables: any commit by another connection counts. */
async function sqliteChangesOf(db: PortalDb): Promise<() => boolean> {
  const counter = await sqliteCommitCounter(db);
  let seen = counter();
  return () => {
    const now = counter();
    const changed = now !== seen;
    seen = now;
    return changed;
  };
}

const SEAMS: Record<'sqlite' | 'postgres', DatabaseSeam> = {
  sqlite: {
    matchHolderNames: matchSqliteHolderNames,
    isConstraintViolation: isSqliteConstraintViolation,
    contains: sqliteContains,
    oneAtATime: async () => {},
    commitCounter: sqliteCommitCounter,
    changeWaiter: (_db, _tables, pollMilliseconds) => () => sleep(pollMilliseconds),
    changesOf: sqliteChangesOf,
  },
  postgres: {
    matchHolderNames: matchPostgresHolderNames,
    isConstraintViolation: isPostgresConstraintViolation,
    contains: postgresContains,
    oneAtATime: postgresOneAtATime,
    commitCounter: postgresCommitCounter,
    changeWaiter: postgresChangeWaiter,
    changesOf: postgresChangesOf,
  },
};

export type Dialect = keyof typeof SEAMS;

/** Which database a connection speaks to. */
// biome-ignore lint/suspicious/noExplicitAny: migrations ask too, with their Kysely<any>.
export function dialectOf(db: Kysely<any>): Dialect {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/** Certificates by a substring of their holder's name, by the indexes of the database at hand. */
export const matchHolderNames = (db: PortalDb, term: string): Promise<HolderNameMatches> => SEAMS[dialectOf(db)].matchHolderNames(db, term);

/** Whether the schema refused a row (a unique, foreign key or check constraint), on either database. */
export const isConstraintViolation = (error: unknown): boolean => Object.values(SEAMS).some((seam) => seam.isConstraintViolation(error));

/** Whether `column` (a reference such as 'organisation.nameSearch') contains `text` as it is: no pattern, no escaping. */
export const containsText = (db: PortalDb, column: string, text: string): RawBuilder<SqlBool> => SEAMS[dialectOf(db)].contains(column, text);

/**
 * Transactions that name the same `key` run one after the other until they end, in every
 * process on the database. SQLite's transactions already do (a writing transaction holds the
 * one write lock from its start); on PostgreSQL, whose READ COMMITTED lets two of them count
 * the same rows, a transaction-scoped advisory lock on the key.
 */
export const oneAtATime = (trx: PortalDb, key: string): Promise<void> => SEAMS[dialectOf(trx)].oneAtATime(trx, key);

/** A number that changes when any connection may have committed: what the response cache keys its answers to. */
export const commitCounter = (db: PortalDb): Promise<() => number> => SEAMS[dialectOf(db)].commitCounter(db);

/**
 * Waits, each time it is called, until `tables` (as Kysely names them) may have changed: on
 * SQLite `pollMilliseconds` (its indexed polls are cheap, and nothing would tell), on
 * PostgreSQL until the triggers' next notification of one of them or a reconnect, polling
 * all the same now and then, and every `pollMilliseconds` while the notifications cannot be heard.
 */
export const changeWaiter = (db: PortalDb, tables: readonly string[], pollMilliseconds: number): (() => Promise<void>) =>
  SEAMS[dialectOf(db)].changeWaiter(db, tables, pollMilliseconds);

/**
 * Asks, each time it is called, whether `tables` (as Kysely names them) may have changed
 * since the last time: on SQLite whether any other connection committed (data_version: it
 * cannot tell tables apart), on PostgreSQL whether the triggers notified one of them (or the
 * feed was deaf meanwhile). Cheap enough to ask every second.
 */
export const changesOf = (db: PortalDb, tables: readonly string[]): Promise<() => boolean> => SEAMS[dialectOf(db)].changesOf(db, tables);
