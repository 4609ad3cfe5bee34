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
import type { ConfigProblem } from '../ground/config/config.ts';
import { DomainError } from '../ground/errors.ts';
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
  let feed: PostgresChangeFeed | undefined;
  const db = new Kysely<PortalDatabase>({ dialect: new PortalPostgresDialect(pool, () => feed?.close()), plugins: [new CamelCasePlugin()] });
  changeFeeds.set(db, () => (feed ??= new PostgresChangeFeed(url)));
  return db;
}

class PortalPostgresDialect extends PostgresDialect {
  constructor(
    pool: pg.Pool,
    private readonly alsoDestroy: () => Promise<void> | undefined,
  ) {
    super({ pool });
  }

  override createDriver(): Driver {
    return new StorageErrorsDriver(super.createDriver(), this.alsoDestroy);
  }
}

/** Kysely's driver, with PostgreSQL's storage and connection failures said as the portal says them. */
class StorageErrorsDriver implements Driver {
  constructor(
    private readonly inner: Driver,
    private readonly alsoDestroy: () => Promise<void> | undefined,
  ) {}

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

  rollbackToSavepoint(
    connection: DatabaseConnection,
    name: string,
    compile: Parameters<NonNullable<Driver['rollbackToSavepoint']>>[2],
  ): Promise<void> {
    return translated(() => this.inner.rollbackToSavepoint!((connection as TranslatingConnection).inner, name, compile));
  }

  releaseSavepoint(connection: DatabaseConnection, name: string, compile: Parameters<NonNullable<Driver['releaseSavepoint']>>[2]): Promise<void> {
    return translated(() => this.inner.releaseSavepoint!((connection as TranslatingConnection).inner, name, compile));
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection((connection as TranslatingConnection).inner);
  }

  async destroy(): Promise<void> {
    await Promise.all([this.inner.destroy(), this.alsoDestroy()]);
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
  return {
    ...query,
    parameters: query.parameters.map((parameter) => (typeof parameter === 'string' ? parameter.replaceAll('\u0000', '\uFFFD') : parameter)),
  };
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
  { matches: (code) => ['55P03', '40001', '40P01'].includes(code), domainCode: 'database_busy', reason: 'locked_by_transaction' },
  { matches: (code) => code === '53100', domainCode: 'database_full', reason: 'disk_full' },
  { matches: (code) => code === '25006', domainCode: 'database_read_only', reason: 'read_only' },
  {
    matches: (code) =>
      code.startsWith('08') ||
      code.startsWith('57P') ||
      code === '53300' ||
      ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE'].includes(code),
    domainCode: 'database_unreachable',
    reason: 'unreachable',
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
export async function postgresProblems(db: PortalDb, stage: 'before migrating' | 'after migrating'): Promise<ConfigProblem[]> {
  if (stage === 'before migrating') {
    const { rows } = await sql<{ collation: string; ctype: string }>`
      select datcollate as collation, datctype as ctype from pg_database where datname = current_database()`.execute(db);
    const locale = rows[0];
    if (locale && /^C\.UTF-?8$/i.test(locale.collation) && /^C\.UTF-?8$/i.test(locale.ctype)) return [];
    return [{ code: 'postgres_locale', setting: 'PORTAL_DATABASE_URL', collation: String(locale?.collation), ctype: String(locale?.ctype) }];
  }
  const { rows } = await sql<{ count: number }>`select cardinality(show_trgm('物业管理')) as count`.execute(db);
  return rows[0]?.count ? [] : [{ code: 'postgres_trigram', setting: 'PORTAL_DATABASE_URL' }];
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
  const child = spawn(postgresProgram('pg_dump'), ['--format=custom', `--file=${target}`, `--dbname=${url}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
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

/** The channel the triggers of migrations/dialects/postgres.ts changeNotifications notify, with the table's name. */
const CHANGE_CHANNEL = 'portal_change';
const RECONNECT_FIRST_MS = 100;
const RECONNECT_LONGEST_MS = 5000;
/** How often the listening connection is asked whether it is still there (a dead peer can look alive for hours), and how long it may take to answer. */
const PING_EVERY_MS = 10_000;
const PING_ANSWER_MS = 5000;

/** Told of a change to `table` (as SQL names it), or with null when anything may have changed (the feed was deaf for a while). */
type ChangeListener = (table: string | null) => void;

/**
 * The database's news of commits, heard by LISTEN on a connection of its own (a pg.Client,
 * never one of the pool: a LISTEN belongs to its session, so it must not pass through a
 * transaction-mode pooler either). Lost connections are opened again, sooner first; after
 * each, the listeners are told that anything may have changed, since what was committed
 * while no one listened is unknown.
 */
class PostgresChangeFeed {
  private client: pg.Client | undefined;
  private listening = false;
  private closed = false;
  private count = 0;
  private reconnectMs = RECONNECT_FIRST_MS;
  private outage: string | undefined;
  private readonly listeners = new Set<ChangeListener>();
  private readonly pinger: NodeJS.Timeout;
  /** Settles when the first attempt to listen has, listening or not. */
  readonly firstAttempt: Promise<void>;

  constructor(private readonly url: string) {
    this.firstAttempt = this.connect();
    this.pinger = setInterval(() => void this.ping(), PING_EVERY_MS).unref();
  }

  get isListening(): boolean {
    return this.listening;
  }

  /** Moves at every notification and every reconnect; while the feed cannot hear, at every read, so nothing is taken as current. */
  counter(): number {
    return this.listening ? this.count : ++this.count;
  }

  onChange(listener: ChangeListener): void {
    this.listeners.add(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listening = false;
    clearInterval(this.pinger);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }

  private tell(table: string | null): void {
    this.count++;
    for (const listener of this.listeners) listener(table);
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client({ connectionString: this.url, application_name: 'portal-changes', keepAlive: true, query_timeout: PING_ANSWER_MS });
    this.client = client;
    client.on('notification', (message) => {
      if (message.channel === CHANGE_CHANNEL) this.tell(message.payload ?? null);
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('the server closed the connection')));
    try {
      await client.connect();
      await client.query(`listen ${CHANGE_CHANNEL}`);
    } catch (error) {
      this.lost(client, error);
      return;
    }
    if (this.client !== client) return;
    this.listening = true;
    this.reconnectMs = RECONNECT_FIRST_MS;
    if (this.outage) console.error('PostgreSQL: listening to changes again');
    this.outage = undefined;
    this.tell(null);
  }

  private async ping(): Promise<void> {
    const client = this.client;
    if (!client || !this.listening) return;
    await client.query('select 1').catch((error: unknown) => this.lost(client, error));
  }

  /** Forgets `client` (once: its error and its end both come here) and opens another a little later. */
  private lost(client: pg.Client, error: unknown): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.listening = false;
    this.count++;
    void client.end().catch(() => {});
    if (this.closed) return;
    const problem = error instanceof Error ? error.message : String(error);
    // Said once per outage: a server away for a while is not a log line every few seconds.
    if (this.outage === undefined)
      console.error(`PostgreSQL: not listening to changes (${problem}); pages are not kept and search polls until it is back`);
    this.outage = problem;
    setTimeout(() => void this.connect(), this.reconnectMs).unref();
    this.reconnectMs = Math.min(RECONNECT_LONGEST_MS, this.reconnectMs * 2);
  }
}

/** The change feed of each database openPostgres made, started when first asked for. */
const changeFeeds = new WeakMap<PortalDb, () => PostgresChangeFeed>();

function changeFeedOf(db: PortalDb): PostgresChangeFeed {
  const feed = changeFeeds.get(db);
  if (!feed) throw new Error('the change feed needs a database opened by openPostgres');
  return feed();
}

/**
 * A number that changes whenever any connection may have committed: at every NOTIFY of the
 * triggers (whoever wrote, plain SQL too) and every reconnect; while the feed cannot hear,
 * at every read. Reading it costs nothing, as the response cache needs.
 */
export async function postgresCommitCounter(db: PortalDb): Promise<() => number> {
  const feed = changeFeedOf(db);
  await feed.firstAttempt;
  return () => feed.counter();
}

/** A table's name as SQL says it, from Kysely's camelCase. */
const sqlName = (table: string) => table.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/** While the feed listens, how often the tables are polled all the same: a notification is not a promise. */
const POLL_WHILE_LISTENING_MS = 30_000;

/**
 * Waits for the next change to one of `tables` (as Kysely names them): the next notification
 * of one, or a reconnect; at the latest after `pollMilliseconds` while the feed cannot hear,
 * and after POLL_WHILE_LISTENING_MS while it can. A change heard between two waits ends the next at once.
 */
export function postgresChangeWaiter(db: PortalDb, tables: readonly string[], pollMilliseconds: number): () => Promise<void> {
  const feed = changeFeedOf(db);
  const watched = new Set(tables.map(sqlName));
  let heard = false;
  let wake: (() => void) | undefined;
  feed.onChange((table) => {
    if (table !== null && !watched.has(table)) return;
    heard = true;
    wake?.();
  });
  return async () => {
    if (!heard) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, feed.isListening ? POLL_WHILE_LISTENING_MS : pollMilliseconds);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    heard = false;
    wake = undefined;
  };
}

/**
 * Whether one of `tables` (as Kysely names them) may have changed since the answer before:
 * a notification of one of them, or a reconnect (what was committed meanwhile is unknown);
 * always while the feed cannot hear.
 */
export async function postgresChangesOf(db: PortalDb, tables: readonly string[]): Promise<() => boolean> {
  const feed = changeFeedOf(db);
  await feed.firstAttempt;
  const watched = new Set(tables.map(sqlName));
  let heard = false;
  feed.onChange((table) => {
    if (table === null || watched.has(table)) heard = true;
  });
  return () => {
    const changed = heard || !feed.isListening;
    heard = false;
    return changed;
  };
}
