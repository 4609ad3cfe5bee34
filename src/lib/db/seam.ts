import { PostgresAdapter, type Kysely } from 'kysely';
import type { PortalDb } from './database.ts';
import type { HolderNameMatches } from './holder-names.ts';
import { isPostgresConstraintViolation, matchPostgresHolderNames } from './postgres.ts';
import { isConstraintViolation as isSqliteConstraintViolation, matchHolderNames as matchSqliteHolderNames } from './sqlite.ts';

/** What only one database can do, each in its own seam (sqlite.ts, postgres.ts), reached through the connection at hand. */
interface DatabaseSeam {
  matchHolderNames(db: PortalDb, term: string): Promise<HolderNameMatches>;
  isConstraintViolation(error: unknown): boolean;
}

const SEAMS: Record<'sqlite' | 'postgres', DatabaseSeam> = {
  sqlite: { matchHolderNames: matchSqliteHolderNames, isConstraintViolation: isSqliteConstraintViolation },
  postgres: { matchHolderNames: matchPostgresHolderNames, isConstraintViolation: isPostgresConstraintViolation },
};

export type Dialect = keyof typeof SEAMS;

/** Which database a connection speaks to. */
export function dialectOf(db: Kysely<any>): Dialect {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/** Certificates by a substring of their holder's name, by the indexes of the database at hand. */
export const matchHolderNames = (db: PortalDb, term: string): Promise<HolderNameMatches> => SEAMS[dialectOf(db)].matchHolderNames(db, term);

/** Whether the schema refused a row (a unique, foreign key or check constraint), on either database. */
export const isConstraintViolation = (error: unknown): boolean => Object.values(SEAMS).some((seam) => seam.isConstraintViolation(error));
