/**
 * The SQLite seam: everything here is specific to SQLite (and better-sqlite3). The rest of
 * the code speaks portable SQL through Kysely; src/lib/db/postgres.ts is the other seam.
 */
import SQLite from 'better-sqlite3';
import {
  CamelCasePlugin,
  type CompiledQuery,
  Kysely,
  SqliteAdapter,
  SqliteDialect,
  SqliteIntrospector,
  SqliteQueryCompiler,
  sql,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type QueryResult,
  type RawBuilder,
  type SqlBool,
} from 'kysely';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PortalDatabase, PortalDb } from './database.ts';
import { HOLDER_MATCH_LIMIT, matchHolderNames as matchHolderNamesBy, type HolderNameMatches } from './holder-names.ts';
import { storageUnavailable, type StorageFailure } from './storage.ts';

export interface SqliteOptions {
  /**
   * How long a write waits for another process (an import, a staff tool, a plain `sqlite3`
   * session) to release SQLite's one write lock before it gives up as `database_busy`.
   */
  writeWaitMilliseconds?: number;
}

/** Longer than the 10 seconds a back-office write may hold the lock while comments keep arriving. */
export const DEFAULT_WRITE_WAIT_MILLISECONDS = 12_000;

/**
 * Opens the database file, creating it (and its folder) readable by its owner only, with
 * the settings the portal relies on.
 *
 * Two connections: plain reads run on a read-only one and never wait, since WAL lets them
 * read while anyone writes; transactions and writes run on the other, which starts with
 * BEGIN IMMEDIATE (it takes the write lock first, so it can never fail half way for lack
 * of it) and, while another process holds the lock, waits for it asynchronously: the
 * event loop never waits on a lock, and every other request goes on being answered.
 */
export function openDatabase(path: string, options: SqliteOptions = {}): PortalDb {
  const dialect = new PortalSqliteDialect(path, options.writeWaitMilliseconds ?? DEFAULT_WRITE_WAIT_MILLISECONDS);
  const db = new Kysely<PortalDatabase>({ dialect, plugins: [new CamelCasePlugin()] });
  if (dialect.driver) drivers.set(db, dialect.driver);
  return db;
}

/** The driver under each database openDatabase made, for what only SQLite can tell (commitCounter). */
const drivers = new WeakMap<PortalDb, PortalSqliteDriver>();

/**
 * A number that changes whenever a commit was made to the database by any connection but
 * the reader's: this process's writer, another process of the portal, an import, a staff
 * tool, a plain `sqlite3` session. SQLite's `PRAGMA data_version` on the reader connection:
 * it reads a counter in shared memory, a few microseconds, so it may be asked often.
 */
export async function commitCounter(db: PortalDb): Promise<() => number> {
  const driver = drivers.get(db);
  if (!driver) throw new Error('commitCounter needs a database opened by openDatabase');
  // The connections open with the first query.
  await sql`select 1`.execute(db);
  const dataVersion = driver.readerConnection.prepare('pragma data_version').pluck();
  return () => dataVersion.get() as number;
}

const IN_MEMORY = ':memory:';

/** Commenters' names and contacts live in this file: only its owner may read it, its -wal and -shm (which SQLite creates with the file's mode) too. */
function createPrivately(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
  // A path naming a folder or another program's file is left as it is; opening it then fails, and says so.
  if (!isDatabaseFile(path)) return;
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    try {
      chmodSync(file, 0o600);
    } catch {
      // A missing -wal or -shm is made later with the file's mode; a file of another owner keeps its own.
    }
  }
}

const SQLITE_HEADER = 'SQLite format 3\0';

/** A SQLite database, or the empty file that becomes one. */
function isDatabaseFile(path: string): boolean {
  const stats = statSync(path);
  if (!stats.isFile()) return false;
  if (stats.size === 0) return true;
  const header = Buffer.alloc(SQLITE_HEADER.length);
  let descriptor: number;
  try {
    descriptor = openSync(path, 'r');
  } catch {
    // Unreadable: SQLite cannot open it either, and says so.
    return false;
  }
  try {
    readSync(descriptor, header, 0, header.length, 0);
  } finally {
    closeSync(descriptor);
  }
  return header.toString('latin1') === SQLITE_HEADER;
}

function openConnection(path: string, role: 'reader' | 'writer' | 'stream'): SQLite.Database {
  const connection = new SQLite(path);
  // WAL lets the back office write while the portal reads; FULL syncs every commit, so
  // an acknowledged comment survives a power cut.
  connection.pragma('journal_mode = WAL');
  connection.pragma('synchronous = FULL');
  connection.pragma('foreign_keys = ON');
  // The writer never waits inside SQLite (that wait would block the event loop): a busy lock
  // is waited for asynchronously by beginImmediate. A reader waits at most a moment, for
  // the rare recovery of a WAL left by a crashed process.
  connection.pragma(`busy_timeout = ${role === 'writer' ? 0 : 100}`);
  // Pages can read only: a write that slipped out of a transaction fails instead of blocking.
  if (role !== 'writer' && path !== IN_MEMORY) connection.pragma('query_only = ON');
  return connection;
}

class PortalSqliteDialect implements Dialect {
  constructor(
    private readonly path: string,
    private readonly writeWaitMilliseconds: number,
  ) {}

  createAdapter() {
    return new TransactionalDdlSqliteAdapter();
  }

  driver: PortalSqliteDriver | undefined;

  createDriver(): Driver {
    this.driver = new PortalSqliteDriver(this.path, this.writeWaitMilliseconds);
    return this.driver;
  }

  // biome-ignore lint/suspicious/noExplicitAny: Kysely's Dialect interface declares it so.
  createIntrospector(db: Kysely<any>) {
    return new SqliteIntrospector(db);
  }

  createQueryCompiler() {
    return new SqliteQueryCompiler();
  }
}

/**
 * SQLite runs DDL inside transactions, so Kysely's migrator may run each migration in one:
 * processes that start together then migrate one after the other (BEGIN IMMEDIATE), and a
 * migration that fails leaves nothing behind.
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

/** Statements compiled once per connection and SQL text: preparing costs more than running most of the portal's queries. */
class StatementCache {
  private readonly statements = new Map<string, SQLite.Statement>();

  constructor(readonly connection: SQLite.Database) {}

  prepare(text: string): SQLite.Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      // The SQL texts are the application's own queries; a bound keeps a stray generator of texts from growing it.
      if (this.statements.size >= 2000) this.statements.clear();
      statement = this.connection.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }
}

/** One writer at a time within the process; other processes are kept out by SQLite's lock. */
class WriterMutex {
  private tail: Promise<void> = Promise.resolve();

  async lock(): Promise<() => void> {
    let unlock!: () => void;
    const previous = this.tail;
    this.tail = new Promise((resolve) => (unlock = resolve));
    await previous;
    return unlock;
  }
}

class PortalSqliteDriver implements Driver {
  private reader!: StatementCache;
  private writer!: StatementCache;
  private readonly writerMutex = new WriterMutex();

  constructor(
    readonly path: string,
    readonly writeWaitMilliseconds: number,
  ) {}

  async init(): Promise<void> {
    if (this.path !== IN_MEMORY) createPrivately(this.path);
    try {
      this.writer = new StatementCache(openConnection(this.path, 'writer'));
      // An in-memory database exists only on its one connection.
      this.reader = this.path === IN_MEMORY ? this.writer : new StatementCache(openConnection(this.path, 'reader'));
    } catch (error) {
      // PORTAL_DB naming a folder, or a file that is not a database: said like any storage failure, not as a stack trace.
      throw storageError(error);
    }
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new SqliteSession(this);
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as SqliteSession).begin();
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as SqliteSession).finish('commit');
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await (connection as SqliteSession).finish('rollback');
  }

  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    (connection as SqliteSession).onWriter(`savepoint ${quoteName(name)}`);
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    (connection as SqliteSession).onWriter(`rollback to ${quoteName(name)}`);
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    (connection as SqliteSession).onWriter(`release ${quoteName(name)}`);
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    (connection as SqliteSession).release();
  }

  async destroy(): Promise<void> {
    this.reader.connection.close();
    if (this.writer !== this.reader) this.writer.connection.close();
  }

  get readerConnection(): SQLite.Database {
    return this.reader.connection;
  }

  readerStatement(text: string): SQLite.Statement {
    return this.reader.prepare(text);
  }

  writerStatement(text: string): SQLite.Statement {
    return this.writer.prepare(text);
  }

  get writerInTransaction(): boolean {
    return this.writer.connection.inTransaction;
  }

  /**
   * Takes the write lock: this process's writers one after the other, and while another
   * process holds the lock, BEGIN IMMEDIATE tried again (it fails at once, the busy timeout
   * being 0) after short, growing pauses until `writeWaitMilliseconds` have passed.
   */
  async beginImmediate(): Promise<() => void> {
    const deadline = Date.now() + this.writeWaitMilliseconds;
    const unlock = await this.writerMutex.lock();
    for (let pause = 2; ; pause = Math.min(pause * 2, 50)) {
      try {
        this.writerStatement('begin immediate').run();
        return unlock;
      } catch (error) {
        if (sqliteCode(error) !== 'SQLITE_BUSY' || Date.now() >= deadline) {
          unlock();
          throw storageError(error);
        }
      }
      await sleep(pause);
    }
  }

  /** A stream reads on a connection of its own: better-sqlite3 keeps a connection busy while it iterates. */
  async *stream<R>(query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    const connection = this.path === IN_MEMORY ? this.reader.connection : openConnection(this.path, 'stream');
    try {
      for (const row of connection.prepare(query.sql).iterate(query.parameters as unknown[])) yield { rows: [row as R] };
    } finally {
      if (connection !== this.reader.connection) connection.close();
    }
  }
}

const quoteName = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * What Kysely calls a connection: one query, or one transaction. Reads outside a
 * transaction go to the reader; a transaction, and a write outside one, to the writer.
 */
class SqliteSession implements DatabaseConnection {
  private unlockWriter: (() => void) | undefined;

  constructor(private readonly driver: PortalSqliteDriver) {}

  async begin(): Promise<void> {
    this.unlockWriter = await this.driver.beginImmediate();
  }

  async finish(how: 'commit' | 'rollback'): Promise<void> {
    try {
      if (how === 'commit') this.onWriter('commit');
      else this.rollbackIfOpen();
    } catch (error) {
      // A commit that failed (a full disk) is rolled back before another writer may begin.
      this.rollbackIfOpen();
      throw error;
    } finally {
      this.release();
    }
  }

  /**
   * A failed statement or commit may already have ended the transaction: rolling back then
   * would throw "no transaction is active" and hide the error that matters.
   */
  private rollbackIfOpen(): void {
    if (this.driver.writerInTransaction) this.onWriter('rollback');
  }

  release(): void {
    this.unlockWriter?.();
    this.unlockWriter = undefined;
  }

  onWriter(text: string): void {
    try {
      this.driver.writerStatement(text).run();
    } catch (error) {
      throw storageError(error);
    }
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (this.unlockWriter) return run<R>(this.driver.writerStatement(query.sql), query);
    const statement = this.driver.readerStatement(query.sql);
    if (statement.readonly) return run<R>(statement, query);
    // A write outside a transaction is a transaction of one statement.
    await this.begin();
    try {
      const result = run<R>(this.driver.writerStatement(query.sql), query);
      this.onWriter('commit');
      return result;
    } catch (error) {
      this.rollbackIfOpen();
      throw error;
    } finally {
      this.release();
    }
  }

  streamQuery<R>(query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    return this.driver.stream<R>(query);
  }
}

function run<R>(statement: SQLite.Statement, query: CompiledQuery): QueryResult<R> {
  const parameters = query.parameters as unknown[];
  try {
    if (statement.reader) return { rows: statement.all(parameters) as R[] };
    const { changes, lastInsertRowid } = statement.run(parameters);
    return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
  } catch (error) {
    throw storageError(error);
  }
}

/** The storage failures a person can only wait out, by the SQLite codes they come with. */
const STORAGE_FAILURES: (StorageFailure & { code: string })[] = [
  { code: 'SQLITE_BUSY', domainCode: 'database_busy', reason: 'locked_by_process' },
  { code: 'SQLITE_FULL', domainCode: 'database_full', reason: 'disk_full' },
  { code: 'SQLITE_READONLY', domainCode: 'database_read_only', reason: 'read_only' },
  { code: 'SQLITE_IOERR', domainCode: 'database_io_error', reason: 'write_failed' },
  { code: 'SQLITE_CANTOPEN', domainCode: 'database_io_error', reason: 'cannot_open' },
  { code: 'SQLITE_NOTADB', domainCode: 'database_io_error', reason: 'not_a_database' },
];

/** A storage failure becomes the portal's 'unavailable' error; anything else (a constraint, a bug) is left as it is. */
function storageError(error: unknown): unknown {
  const code = sqliteCode(error);
  const failure = STORAGE_FAILURES.find((candidate) => code.startsWith(candidate.code));
  return failure ? storageUnavailable(failure, `${code}: ${(error as Error).message}`) : error;
}

/**
 * Certificates by a substring of their holder's name (see ./holder-names.ts): for three
 * characters or more, the FTS5 trigram index of organisation names (rowid = organisation id).
 */
export const matchHolderNames = (db: PortalDb, term: string): Promise<HolderNameMatches> =>
  matchHolderNamesBy(db, term, (term) => {
    // An FTS5 phrase: the term in double quotes (a quote inside doubled) is matched as text.
    const phrase = `"${term.replace(/"/g, '""')}"`;
    return {
      containing: sql`select rowid as organisation_id from organisation_name_trigram where organisation_name_trigram match ${phrase}`,
      inside: sql`select rowid as organisation_id from organisation_name_trigram where organisation_name_trigram match ${phrase}
        and substr(name, 1, ${Array.from(term).length}) <> ${term} order by rowid limit ${HOLDER_MATCH_LIMIT}`,
    };
  });

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

/** Whether the schema refused a row (a unique, foreign key or check constraint). */
export function isConstraintViolation(error: unknown): boolean {
  return sqliteCode(error).startsWith('SQLITE_CONSTRAINT');
}

function sqliteCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

/**
 * Runs `work` in one transaction on a connection of its own to the file at `path`, set for
 * writing a very large amount of data known to be consistent (the generated demo and
 * benchmark data sets):
 * - a rollback journal instead of the WAL: a page of a new file is written once, instead of
 *   once to the WAL and again at checkpoint;
 * - a page cache of `cacheMegabytes`, so that the indexes being filled stay in memory;
 * - neither foreign key lookups nor check constraints;
 * - the secondary indexes of `tables` (those not behind a UNIQUE constraint) dropped, and
 *   made again from their own definitions once the rows are in: one sort instead of a
 *   million scattered inserts; FTS5 tables merge their segments once, at the end. Those in
 *   `kept` stay: an index the tables' own triggers read from, without which each row's
 *   trigger would read the whole table;
 * Being one transaction, it leaves the schema as it found it if anything fails. No other
 * connection may have the file open; the file is left in WAL mode.
 */
export async function withBulkWriting<T>(
  path: string,
  options: { cacheMegabytes: number; tables: readonly string[]; kept: readonly string[] },
  work: (trx: PortalDb) => Promise<T>,
): Promise<T> {
  const connection = new SQLite(path, { fileMustExist: true });
  const journal = connection.pragma('journal_mode = delete', { simple: true });
  if (journal !== 'delete') {
    connection.close();
    throw new Error(`${path} is open elsewhere (its journal stays ${String(journal)}): bulk writing needs it alone`);
  }
  connection.pragma('foreign_keys = off');
  connection.pragma('ignore_check_constraints = on');
  connection.pragma(`cache_size = ${-Math.round(options.cacheMegabytes * 1024)}`);
  const db = new Kysely<PortalDatabase>({ dialect: new SqliteDialect({ database: connection }), plugins: [new CamelCasePlugin()] });
  try {
    return await db.transaction().execute(async (trx) => {
      const tables = sql.join(options.tables.map((table) => sql.lit(table)));
      const { rows: secondary } = await sql<{ name: string; sql: string }>`
        select name, sql from sqlite_master where type = 'index' and sql is not null and tbl_name in (${tables})`.execute(trx);
      const indexes = secondary.filter((index) => !options.kept.includes(index.name));
      const { rows: fullText } = await sql<{ name: string }>`
        select name from sqlite_master where type = 'table' and sql like 'create virtual table % using fts5%'`.execute(trx);
      for (const index of indexes) await sql`drop index ${sql.id(index.name)}`.execute(trx);
      for (const { name } of fullText) await sql`insert into ${sql.table(name)} (${sql.id(name)}, rank) values ('automerge', 0)`.execute(trx);
      const result = await work(trx);
      for (const index of indexes) await sql.raw(index.sql).execute(trx);
      for (const { name } of fullText) {
        await sql`insert into ${sql.table(name)} (${sql.id(name)}) values ('optimize')`.execute(trx);
        await sql`insert into ${sql.table(name)} (${sql.id(name)}, rank) values ('automerge', 4)`.execute(trx);
      }
      return result;
    });
  } finally {
    connection.pragma('journal_mode = wal');
    await db.destroy();
  }
}

/** `column` contains `text` (instr: a plain substring, no pattern to escape). */
export const sqliteContains = (column: string, text: string): RawBuilder<SqlBool> => sql<SqlBool>`instr(${sql.ref(column)}, ${text}) > 0`;
