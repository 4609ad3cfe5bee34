/**
 * The PostgreSQL seam: everything here is specific to PostgreSQL (and node-postgres). The
 * rest of the code speaks portable SQL through Kysely; src/lib/db/sqlite.ts is the other seam.
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import pg from 'pg';
import {
  CamelCasePlugin,
  Kysely,
  PostgresDialect,
  sql,
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  type TransactionSettings,
  type RawBuilder,
  type SqlBool,
} from 'kysely';
import { DomainError } from '../errors.ts';
import type { PortalDatabase, PortalDb } from './database.ts';
import { HOLDER_MATCH_LIMIT, matchHolderNames, type HolderNameMatches } from './holder-names.ts';
import { storageUnavailable, type StorageFailure } from './storage.ts';

// Counts come back as int8, which node-postgres hands over as text to keep their precision:
// the portal's counts fit a JavaScript number, and are numbers on SQLite too.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => Number(value));

export interface PostgresOptions {
  /** How long a statement may wait for a lock (a row, the advisory lock of a client) before it gives up as `database_busy`. */
  writeWaitMilliseconds: number;
  /** Connections in this process's pool. */
  poolSize: number;
}

/** A pool of connections to the database at `url`, with the settings the portal relies on. */
export function openPostgres(url: string, options: PostgresOptions): PortalDb {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize,
    // Instants are stored as text (the same fixed-width ISO form as on SQLite); the session
    // speaks UTC so that no conversion can creep in, and a lock is waited for at most so long.
    options: `-c TimeZone=UTC -c lock_timeout=${options.writeWaitMilliseconds}`,
  });
  // A connection the server dropped while idle is replaced by the pool; its error must not end the process.
  pool.on('error', (error) => console.error(`PostgreSQL: an idle connection failed: ${error.message}`));
  return new Kysely<PortalDatabase>({ dialect: new PortalPostgresDialect(pool), plugins: [new CamelCasePlugin()] });
}

class PortalPostgresDialect extends PostgresDialect {
  constructor(pool: pg.Pool) {
    super({ pool });
  }

  override createDriver(): Driver {
    return new StorageErrorsDriver(super.createDriver());
  }
}

/** Kysely's driver, with PostgreSQL's storage and connection failures said as the portal says them. */
class StorageErrorsDriver implements Driver {
  constructor(private readonly inner: Driver) {}

  init(): Promise<void> {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    try {
      return new TranslatingConnection(await this.inner.acquireConnection());
    } catch (error) {
      throw storageError(error);
    }
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return translated(() => this.inner.beginTransaction((connection as TranslatingConnection).inner, settings));
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return translated(() => this.inner.commitTransaction((connection as TranslatingConnection).inner));
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return translated(() => this.inner.rollbackTransaction((connection as TranslatingConnection).inner));
  }

  savepoint(connection: DatabaseConnection, name: string, compile: Parameters<NonNullable<Driver['savepoint']>>[2]): Promise<void> {
    return translated(() => this.inner.savepoint!((connection as TranslatingConnection).inner, name, compile));
  }

  rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: Parameters<NonNullable<Driver['rollbackToSavepoint']>>[2]): Promise<void> {
    return translated(() => this.inner.rollbackToSavepoint!((connection as TranslatingConnection).inner, name, compile));
  }

  releaseSavepoint(connection: DatabaseConnection, name: string, compile: Parameters<NonNullable<Driver['releaseSavepoint']>>[2]): Promise<void> {
    return translated(() => this.inner.releaseSavepoint!((connection as TranslatingConnection).inner, name, compile));
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection((connection as TranslatingConnection).inner);
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }
}

class TranslatingConnection implements DatabaseConnection {
  constructor(readonly inner: DatabaseConnection) {}

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return translated(() => this.inner.executeQuery<R>(withoutNul(query)));
  }

  async *streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    try {
      yield* this.inner.streamQuery<R>(withoutNul(query), chunkSize);
    } catch (error) {
      throw storageError(error);
    }
  }
}

/**
 * PostgreSQL's text cannot hold U+0000 and refuses a parameter that carries one (SQLSTATE
 * 22021), where SQLite compares it like any character. It is sent as U+FFFD in its place:
 * a query's term carrying one (a hostile address) then finds nothing, as on SQLite, instead of
 * failing; a write (only an imported file could carry one: the comment form removes control
 * characters) keeps a visible mark where it was.
 */
function withoutNul(query: CompiledQuery): CompiledQuery {
  if (!query.parameters.some((parameter) => typeof parameter === 'string' && parameter.includes('\u0000'))) return query;
  return { ...query, parameters: query.parameters.map((parameter) => (typeof parameter === 'string' ? parameter.replaceAll('\u0000', '\uFFFD') : parameter)) };
}

async function translated<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw storageError(error);
  }
}

/**
 * The failures a person can only wait out, by PostgreSQL's SQLSTATE (or the socket's error
 * code), said with the same codes as on SQLite: 503 with Retry-After, the cause in the log.
 */
const STORAGE_FAILURES: (StorageFailure & { matches: (code: string) => boolean })[] = [
  { matches: (code) => ['55P03', '40001', '40P01'].includes(code), domainCode: 'database_busy', en: 'another transaction holds the lock', zh: '数据库正被其他程序写入' },
  { matches: (code) => code === '53100', domainCode: 'database_full', en: 'the disk is full', zh: '存储空间已满' },
  { matches: (code) => code === '25006', domainCode: 'database_read_only', en: 'the database is read-only', zh: '数据库处于只读状态' },
  {
    matches: (code) => code.startsWith('08') || code.startsWith('57P') || code === '53300' || ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE'].includes(code),
    domainCode: 'database_unreachable',
    en: 'the database server cannot be reached',
    zh: '无法连接数据库服务器',
  },
];

function storageError(error: unknown): unknown {
  if (error instanceof DomainError) return error;
  const code = postgresCode(error);
  const failure = STORAGE_FAILURES.find((candidate) => candidate.matches(code));
  if (!failure) return error;
  return storageUnavailable(failure, `${code}: ${(error as Error).message}`);
}

function postgresCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

/** Whether the schema refused a row (a unique, foreign key or check constraint: SQLSTATE class 23). */
export function isPostgresConstraintViolation(error: unknown): boolean {
  return postgresCode(error).startsWith('23');
}

/**
 * What the portal needs of a PostgreSQL database before it serves: created with C.UTF-8
 * collation and ctype (code-point order, as SQLite sorts; pg_trgm finds no trigram in Chinese
 * under "C"), and, once migrated, pg_trgm reading Chinese. A list of what is wrong, or nothing.
 */
export async function postgresProblems(db: PortalDb, stage: 'before migrating' | 'after migrating'): Promise<string[]> {
  if (stage === 'before migrating') {
    const { rows } = await sql<{ collation: string; ctype: string }>`
      select datcollate as collation, datctype as ctype from pg_database where datname = current_database()`.execute(db);
    const locale = rows[0];
    if (locale && /^C\.UTF-?8$/i.test(locale.collation) && /^C\.UTF-?8$/i.test(locale.ctype)) return [];
    return [
      `the database was created with collation ${locale?.collation} and ctype ${locale?.ctype}; the portal needs C.UTF-8 for both ` +
        '(createdb --locale=C.UTF-8 --template=template0 NAME)',
    ];
  }
  const { rows } = await sql<{ count: number }>`select cardinality(show_trgm('物业管理')) as count`.execute(db);
  return rows[0]?.count ? [] : ["pg_trgm extracts no trigram from Chinese (show_trgm('物业管理') is empty): the database's ctype must be C.UTF-8"];
}

/** A term as a LIKE pattern's literal part: its own %, _ and \ escaped. */
const likeLiteral = (term: string) => term.replace(/[\\%_]/g, (character) => `\\${character}`);

/**
 * Certificates by a substring of their holder's name, as on SQLite and in the same order
 * (see ./holder-names.ts): for three characters or more, the pg_trgm index of organisation
 * names, which LIKE with its pattern uses.
 */
export const matchPostgresHolderNames = (db: PortalDb, term: string): Promise<HolderNameMatches> =>
  matchHolderNames(db, term, (term) => {
    const contains = `%${likeLiteral(term)}%`;
    const startsWith = `${likeLiteral(term)}%`;
    return {
      containing: sql`select id as organisation_id from organisation where name_search like ${contains}`,
      inside: sql`select id as organisation_id from organisation where name_search like ${contains} and name_search not like ${startsWith}
        order by id limit ${HOLDER_MATCH_LIMIT}`,
    };
  });

/** A PostgreSQL program (pg_dump, pg_restore, initdb…) where Debian's PostgreSQL 15 puts it, or where pg_config says, or on PATH. */
export function postgresProgram(name: string): string {
  const debian = join('/usr/lib/postgresql/15/bin', name);
  if (existsSync(debian)) return debian;
  const found = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  return found.status === 0 ? join(found.stdout.trim(), name) : name;
}

/**
 * A consistent copy of the database at `url` while the portals serve and comments arrive:
 * pg_dump's custom format (one snapshot; `pg_restore -d URL FILE` restores it) written into
 * `target`, an existing file whose mode it keeps.
 */
export async function dumpPostgres(url: string, target: string): Promise<void> {
  const child = spawn(postgresProgram('pg_dump'), ['--format=custom', `--file=${target}`, `--dbname=${url}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let printed = '';
  child.stderr.on('data', (chunk: Buffer) => (printed += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`pg_dump exited with ${code}: ${printed.trim()}`);
}

/** `column` contains `text` (strpos: a plain substring, no pattern to escape). */
export const postgresContains = (column: string, text: string): RawBuilder<SqlBool> => sql<SqlBool>`strpos(${sql.ref(column)}, ${text}) > 0`;

/** Holds an advisory lock on `key` (hashed to 64 bits) until the transaction ends. */
export async function postgresOneAtATime(trx: PortalDb, key: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(trx);
}

/**
 * PostgreSQL has no counter of commits a connection could read for free: until LISTEN/NOTIFY
 * tells of them, the number changes every second, so a kept answer is at most a second old.
 */
export async function postgresCommitCounter(): Promise<() => number> {
  return () => Math.floor(Date.now() / 1000);
}
