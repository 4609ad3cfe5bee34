/**
 * Deterministic demo data: bodies, the four schemes, organisations, certificates with
 * their event histories, public notices and the public's comments on them. The same seed
 * and the same Beijing day of `now` always give the same rows, so screenshots, tests, demos
 * and benchmarks can be reproduced.
 *
 * A worker thread makes the rows (rows.ts) while this thread writes them, in one transaction;
 * nothing but a few batches is ever held in memory, so the national data set (a million
 * certificates) is made like the demo one.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CompiledQuery, sql, type Kysely } from 'kysely';
import type { PortalDatabase, PortalDb } from '../../src/lib/db/database.ts';
import { beijingDate } from '../../src/lib/ground/time/beijing.ts';
import { beijingInstant, isoOf, toDay, workingDayOnOrBefore } from './calendar.ts';
import { BODIES, SCHEMES } from './catalogue.ts';
import { COMMENTS_PER_NOTICE } from './comments.ts';
import { schemeId, type BulkTable, type DemoRowsOptions, type IdBases } from './rows.ts';
import type { RowsWorkerMessage, TableRows } from './rows-worker.ts';

export interface DemoDataOptions {
  certificates: number;
  notices: number;
  /** Comments on the notices; COMMENTS_PER_NOTICE per notice when not given. */
  comments?: number;
  seed: number;
  now: Date;
  /** Told how far the writing has got, now and then (a progress bar). */
  progress?: (written: Readonly<WrittenRows>) => void;
}

export interface WrittenRows {
  organisations: number;
  certificates: number;
  events: number;
  notices: number;
  comments: number;
}

export interface DemoDataCounts extends WrittenRows {
  bodies: number;
  schemes: number;
}

/** The tables the seeder fills with many rows: what a bulk write (withBulkWriting) may prepare. */
export const SEEDED_TABLES = ['organisation', 'certificate', 'certificate_event', 'notice', 'comment'] as const;
/**
 * Indexes of SEEDED_TABLES a bulk write keeps: each certificate's and surveillance event's
 * trigger counts the certificate's passed surveillances through this one (without it, every
 * surveillance event read all events before it: the national seed never ended).
 */
export const INDEXES_TRIGGERS_READ = ['certificate_event_surveillance'] as const;

const WRITTEN_AS = {
  organisation: 'organisations',
  certificate: 'certificates',
  certificateEvent: 'events',
  notice: 'notices',
  comment: 'comments',
} as const satisfies Record<BulkTable, keyof WrittenRows>;

/** Bound variables per statement, well below SQLite's 32,766 (and PostgreSQL's 65,535). */
const VARIABLES_PER_INSERT = 8000;

/**
 * Writes batches of rows in multi-row inserts. Kysely compiles an insert of n rows of a
 * table once; later inserts of n rows reuse its SQL with their own values, which spares
 * building and compiling a query of thousands of values each time.
 */
class BatchInserter {
  private readonly compiled = new Map<string, string>();

  constructor(private readonly db: Kysely<PortalDatabase>) {}

  async insert({ table, columns, values, rows }: TableRows): Promise<void> {
    const perInsert = Math.max(1, Math.floor(VARIABLES_PER_INSERT / columns.length));
    for (let first = 0; first < rows; first += perInsert) {
      const count = Math.min(perInsert, rows - first);
      const chunk = values.slice(first * columns.length, (first + count) * columns.length);
      const key = `${table}:${columns.join(',')}:${count}`;
      let text = this.compiled.get(key);
      if (text === undefined) {
        const objects = Array.from({ length: count }, (_, row) =>
          Object.fromEntries(columns.map((column, i) => [column, chunk[row * columns.length + i]])),
        );
        text = this.db
          .insertInto(table)
          .values(objects as never)
          .compile().sql;
        this.compiled.set(key, text);
      }
      await this.db.executeQuery(CompiledQuery.raw(text, chunk));
    }
  }
}

/**
 * The worker is TypeScript, and on Node 20 a worker thread does not inherit the --import
 * loader: it registers tsx itself, then loads its entry.
 */
function rowsWorker(options: DemoRowsOptions): Worker {
  const tsx = join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist/esm/api/index.mjs');
  const entry = new URL('./rows-worker.ts', import.meta.url).href;
  const bootstrap = `import(${JSON.stringify(pathToFileURL(tsx).href)}).then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`;
  return new Worker(bootstrap, { eval: true, workerData: options });
}

/** Runs the worker to its end, handing each batch to `write` before it makes more than two ahead. */
function receiveRows(options: DemoRowsOptions, write: (tables: TableRows[]) => Promise<void>): Promise<void> {
  const worker = rowsWorker(options);
  return new Promise<void>((resolve, reject) => {
    let writing = Promise.resolve();
    const fail = (error: unknown) => {
      void worker.terminate();
      reject(error instanceof Error ? error : new Error(String(error)));
    };
    worker.on('message', (message: RowsWorkerMessage) => {
      writing = writing.then(async () => {
        if (message.type === 'rows') {
          await write(message.tables);
          worker.postMessage('written');
        } else if (message.type === 'done') {
          await worker.terminate();
          resolve();
        } else {
          throw new Error(`The demo data worker failed: ${message.message}`);
        }
      });
      writing.catch(fail);
    });
    worker.once('error', fail);
    worker.once('exit', (code) => {
      if (code !== 0 && code !== 1) fail(new Error(`The demo data worker stopped with code ${code}`));
    });
  });
}

async function lastId(db: PortalDb, table: string): Promise<number> {
  const { rows } = await sql<{ last: number | null }>`select max(id) as last from ${sql.table(table)}`.execute(db);
  return rows[0]?.last ?? 0;
}

function assertWholeNumber(name: string, value: number, minimum: number): void {
  if (!Number.isSafeInteger(value) || value < minimum) {
    throw new RangeError(`${name} must be a whole number of at least ${minimum}, not ${value}`);
  }
}

/**
 * Fills the registry, the notices and the comments with invented but plausible data, in one
 * transaction (`db`'s own, when it is one already), which it must be the only writer of. Dates are anchored on the Beijing day of
 * `now`: no event, publication or comment is later than the start of that day, and each
 * notice is open, upcoming or closed for the whole day.
 */
export async function seedDemoData(db: PortalDb, options: DemoDataOptions): Promise<DemoDataCounts> {
  const comments = options.comments ?? Math.round(options.notices * COMMENTS_PER_NOTICE);
  assertWholeNumber('certificates', options.certificates, 0);
  assertWholeNumber('notices', options.notices, 0);
  assertWholeNumber('comments', comments, 0);
  assertWholeNumber('seed', options.seed, 0);
  if (Number.isNaN(options.now.getTime())) throw new RangeError('now must be a valid date');
  const anchor = toDay(beijingDate(options.now));
  const catalogueUpdatedAt = isoOf(beijingInstant(workingDayOnOrBefore(anchor - 400), 10 * 60));

  const inTransaction = <Result>(work: (trx: PortalDb) => Promise<Result>) => (db.isTransaction ? work(db) : db.transaction().execute(work));
  return inTransaction(async (trx) => {
    // The rows carry the stamps of the history they tell: the database's own stamping (migration T0700) waits until they are written.
    await sql`insert into stamp_pause (writer) values ('demo seed')`.execute(trx);
    const bases: IdBases = {
      body: await lastId(trx, 'certification_body'),
      scheme: await lastId(trx, 'scheme'),
      organisation: await lastId(trx, 'organisation'),
      certificate: await lastId(trx, 'certificate'),
      event: await lastId(trx, 'certificate_event'),
      notice: await lastId(trx, 'notice'),
    };
    await trx
      .insertInto('certificationBody')
      .values(
        BODIES.map((body) => ({
          code: body.code,
          name: body.name,
          approvalNumber: body.approvalNumber,
          website: body.website,
          phone: body.phone,
          address: body.address,
          updatedAt: catalogueUpdatedAt,
        })),
      )
      .execute();
    await trx
      .insertInto('scheme')
      .values(
        SCHEMES.map((scheme) => ({
          code: scheme.code,
          name: scheme.name,
          nameEn: scheme.nameEn,
          basis: scheme.basis,
          description: scheme.description,
          updatedAt: catalogueUpdatedAt,
        })),
      )
      .execute();
    const levels = SCHEMES.flatMap((scheme) =>
      scheme.levels.map((level) => ({
        schemeId: schemeId(bases, scheme),
        code: level.code,
        name: level.name,
        minScore: level.minScore,
        rank: level.rank,
      })),
    );
    await trx.insertInto('schemeLevel').values(levels).execute();

    const inserter = new BatchInserter(trx);
    const written: WrittenRows = { organisations: 0, certificates: 0, events: 0, notices: 0, comments: 0 };
    await receiveRows(
      { certificates: options.certificates, notices: options.notices, comments, seed: options.seed, anchor, bases },
      async (tables) => {
        for (const rows of tables) {
          await inserter.insert(rows);
          written[WRITTEN_AS[rows.table]] += rows.rows;
        }
        options.progress?.(written);
      },
    );
    await expectIds(trx, bases, written);
    await sql`delete from stamp_pause where writer = 'demo seed'`.execute(trx);
    return { bodies: BODIES.length, schemes: SCHEMES.length, ...written };
  });
}

/**
 * Rows refer to each other by the ids the database gave them in the order they were written
 * (bases + 1, + 2, …): were another writer to have slipped in, the references would be wrong,
 * so the whole transaction is refused instead.
 */
async function expectIds(db: PortalDb, bases: IdBases, written: WrittenRows): Promise<void> {
  const expected: [string, number][] = [
    ['certification_body', bases.body + BODIES.length],
    ['scheme', bases.scheme + SCHEMES.length],
    ['organisation', bases.organisation + written.organisations],
    ['certificate', bases.certificate + written.certificates],
    ['certificate_event', bases.event + written.events],
    ['notice', bases.notice + written.notices],
  ];
  for (const [table, last] of expected) {
    const found = await lastId(db, table);
    if (found !== last) throw new Error(`The demo data's ${table} rows got ids up to ${found}, not ${last}: nothing was written`);
  }
}
