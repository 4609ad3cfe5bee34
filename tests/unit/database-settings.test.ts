import { sql } from 'kysely';
import { statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitCounter } from '../../src/lib/db/seam.ts';
import { openDatabase } from '../../src/lib/db/sqlite.ts';
import { DomainError } from '../../src/lib/ground/errors.ts';
import { createTestDatabase, TEST_DIALECT, type TestDatabase } from '../support/database.ts';
import { insertApplicant, insertComment } from '../support/notice-fixtures.ts';
import { insertBodyAndScheme, insertNotice } from '../support/registry-fixtures.ts';
import { holdWriteLock } from '../support/write-lock.ts';

let test: TestDatabase;
beforeAll(async () => (test = await createTestDatabase()));
afterAll(() => test.remove());

const pragma = async (name: string) => Object.values((await sql.raw(`pragma ${name}`).execute(test.db)).rows[0] as object)[0];

const bodyRow = (code: string) => ({
  code,
  name: `认证机构 ${code}`,
  approvalNumber: `CNCA-R-2099-${code}`,
  website: null,
  phone: null,
  address: null,
  updatedAt: '2026-12-01T00:00:00.000Z',
});
const bodyCount = async (db = test.db) =>
  Number(
    (
      await db
        .selectFrom('certificationBody')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

/** How long the event loop went without running a timer, while `work` ran. */
async function longestStall(work: () => Promise<unknown>): Promise<number> {
  let last = performance.now();
  let longest = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 5);
  try {
    await work();
  } finally {
    clearInterval(ticker);
  }
  return Math.max(longest, performance.now() - last);
}

/** The SQLite seam (src/lib/db/sqlite.ts): its connection settings, its write lock, its errors. */
const sqlite = TEST_DIALECT === 'sqlite';

describe.runIf(sqlite)('the database connection', () => {
  it('runs in WAL mode, so the back office can write while the portal reads', async () => {
    expect(await pragma('journal_mode')).toBe('wal');
  });

  it('syncs every commit (synchronous = FULL), so an acknowledged comment survives a crash', async () => {
    expect(await pragma('synchronous')).toBe(2);
  });

  it('enforces foreign keys', async () => {
    expect(await pragma('foreign_keys')).toBe(1);
    await expect(
      test.db
        .insertInto('certificateEvent')
        .values({
          certificateId: 424242,
          kind: 'issued',
          occurredAt: '2026-01-01T00:00:00.000Z',
          description: 'x',
          levelCode: null,
          expiresOn: null,
          scope: null,
        })
        .execute(),
    ).rejects.toThrow(/FOREIGN KEY/);
  });

  it('creates the file readable by its owner only, and its WAL with it', () => {
    expect(statSync(test.path).mode & 0o777).toBe(0o600);
    expect(statSync(`${test.path}-wal`).mode & 0o777).toBe(0o600);
  });
});

describe.runIf(sqlite)('a write while another process holds the write lock', () => {
  it('waits without blocking the event loop, reads go on meanwhile, and it commits once the lock is released', async () => {
    const before = await bodyCount();
    const lock = await holdWriteLock(test.path, 1500);
    let readsDuringWait = 0;
    let committedAt = 0;
    const stall = await longestStall(async () => {
      const write = test.db
        .transaction()
        .execute((trx) => trx.insertInto('certificationBody').values(bodyRow('LOCKWAIT')).execute())
        .then(() => (committedAt = Date.now()));
      // Reads are answered while the write waits for the lock.
      while (committedAt === 0) {
        expect(await bodyCount()).toBe(before);
        readsDuringWait++;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await write;
    });
    const releasedAt = await lock.released;
    expect(readsDuringWait).toBeGreaterThan(10);
    expect(committedAt).toBeGreaterThanOrEqual(releasedAt);
    expect(committedAt - releasedAt).toBeLessThan(500);
    // A wait that blocked would hold the loop for the whole 1,500 ms of the lock; a third of it leaves room for a
    // loaded 2-core machine's garbage collection and scheduling (100 ms failed there at 108 and 148 ms).
    expect(stall).toBeLessThan(500);
    expect(await bodyCount()).toBe(before + 1);
  });

  it('gives up past its wait with database_busy (503), naming the cause, and writes nothing', async () => {
    const impatient = openDatabase(test.path, { writeWaitMilliseconds: 300 });
    try {
      const before = await bodyCount(impatient);
      const lock = await holdWriteLock(test.path, 1500);
      const error = await impatient
        .transaction()
        .execute((trx) => trx.insertInto('certificationBody').values(bodyRow('TOOLATE')).execute())
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(DomainError);
      expect(error).toMatchObject({ kind: 'unavailable', code: 'database_busy', retryAfterSeconds: expect.any(Number) });
      expect(String((error as Error).cause)).toMatch(/^SQLITE_BUSY/);
      await lock.released;
      expect(await bodyCount(impatient)).toBe(before);
    } finally {
      await impatient.destroy();
    }
  });

  it('takes a single statement outside a transaction the same way', async () => {
    const lock = await holdWriteLock(test.path, 800);
    const before = await bodyCount();
    await test.db.insertInto('certificationBody').values(bodyRow('SINGLE')).execute();
    expect(Date.now()).toBeGreaterThanOrEqual(await lock.released);
    expect(await bodyCount()).toBe(before + 1);
  });
});

describe.runIf(sqlite)('a write the disk cannot take', () => {
  it('fails as database_full, with SQLITE_FULL as its cause, the transaction rolled back and the next write fine', async () => {
    const small = openDatabase(test.path);
    try {
      const before = await bodyCount(small);
      const error = await small
        .transaction()
        .execute(async (trx) => {
          // The writer connection may grow the file by no more pages than it has now: what a full disk does.
          const { rows } = await sql<{ pageCount: number }>`pragma page_count`.execute(trx);
          await sql.raw(`pragma max_page_count = ${rows[0]!.pageCount}`).execute(trx);
          for (let i = 0; i < 200; i++) {
            await trx
              .insertInto('certificationBody')
              .values({ ...bodyRow(`FULL${i}`), address: '满'.repeat(20_000) })
              .execute();
          }
        })
        .catch((caught: unknown) => caught);
      expect(error).toMatchObject({ kind: 'unavailable', code: 'database_full' });
      expect(String((error as Error).cause)).toMatch(/^SQLITE_FULL/);
      expect(await bodyCount(small)).toBe(before);
    } finally {
      await small.destroy();
    }
    await test.db.insertInto('certificationBody').values(bodyRow('AFTERFULL')).execute();
  });
});

describe('instants in the database', () => {
  it('are refused in any form but UTC with milliseconds, so pages and lists compare them alike', async () => {
    const wrong = ['2026-12-01 08:00:00', '2026-12-01T16:00:00+08:00', '2026-12-01T08:00:00Z', '2026-13-01T08:00:00.000Z', 'tomorrow'];
    for (const updatedAt of wrong) {
      await expect(
        test.db
          .insertInto('certificationBody')
          .values({ ...bodyRow(`BAD${wrong.indexOf(updatedAt)}`), updatedAt })
          .execute(),
        updatedAt,
      ).rejects.toThrow(/must be UTC instants|_instants/);
    }
    await test.db.insertInto('certificationBody').values(bodyRow('GOODTIME')).execute();
    await expect(test.db.updateTable('certificationBody').set({ updatedAt: '2026-12-01' }).where('code', '=', 'GOODTIME').execute()).rejects.toThrow(
      /must be UTC instants|_instants/,
    );
  });

  it("are refused in a comment's erasure time and in the record of an export too", async () => {
    const ground = await insertBodyAndScheme(test.db);
    const organisationId = await insertApplicant(test.db, '杭州瞬间检查服务有限公司', '7N2K4Q8X1');
    const noticeId = await insertNotice(test.db, ground, {
      organisationId,
      windowStart: '2026-11-20T00:00:00.000Z',
      windowEnd: '2026-11-30T00:00:00.000Z',
    });
    await insertComment(test.db, noticeId, { text: '即将清除提交人信息的意见。' });
    const comment = () => test.db.updateTable('comment').where('noticeId', '=', noticeId);
    const exportRecord = (instants: { exportedAt: string; since: string | null }) =>
      test.db
        .insertInto('commentExport')
        .values({ ...instants, osUser: 'staff', bodyCode: null, noticeReference: null, format: 'csv', commentCount: 1, file: '/tmp/comments.csv' });
    for (const wrong of ['2026-12-01 08:00:00', '2026-12-01T16:00:00+08:00', '2026-13-01T08:00:00.000Z']) {
      await expect(comment().set({ personalDataErasedAt: wrong }).execute(), wrong).rejects.toThrow(
        /comment: received_at, updated_at, personal_data_erased_at must be UTC instants|comment_instants/,
      );
      await expect(exportRecord({ exportedAt: wrong, since: null }).execute(), wrong).rejects.toThrow(
        /comment_export: exported_at, since must be UTC instants|comment_export_instants/,
      );
      await expect(exportRecord({ exportedAt: '2026-12-01T08:00:00.000Z', since: wrong }).execute(), wrong).rejects.toThrow(
        /comment_export: exported_at, since must be UTC instants|comment_export_instants/,
      );
    }
    // The stored form, and no erasure or no filter, are taken as before.
    await comment().set({ personalDataErasedAt: '2026-12-01T08:00:00.000Z' }).execute();
    await exportRecord({ exportedAt: '2026-12-01T08:00:00.000Z', since: null }).execute();
    await exportRecord({ exportedAt: '2026-12-01T08:00:00.000Z', since: '2026-11-25T16:00:00.000Z' }).execute();
    const stored = await test.db.selectFrom('comment').select('personalDataErasedAt').where('noticeId', '=', noticeId).executeTakeFirstOrThrow();
    expect(stored.personalDataErasedAt).toBe('2026-12-01T08:00:00.000Z');
    expect(await test.db.selectFrom('commentExport').select('since').orderBy('id').execute()).toEqual([
      { since: null },
      { since: '2026-11-25T16:00:00.000Z' },
    ]);
  });
});

/** What every instance's caches learn of a commit by anyone: src/lib/db/seam.ts commitCounter. */
describe('the commit counter', () => {
  it('moves when another connection commits plain SQL, and not before it commits', async () => {
    const counter = await commitCounter(test.db);
    const start = counter();
    await test.db.insertInto('certificationBody').values(bodyRow('COUNTED')).execute();
    // This connection's own commit is heard first: what is asserted next is the other's.
    await until(async () => counter() !== start);
    const other = test.connect();
    try {
      const before = counter();
      await other.transaction().execute(async (trx) => {
        await sql`update certification_body set name = 'plain SQL', updated_at = '2026-12-02T04:00:00.000Z' where code = 'COUNTED'`.execute(trx);
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(counter()).toBe(before);
      });
      await until(async () => counter() !== before);
    } finally {
      await other.destroy();
    }
  });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function until(check: () => Promise<boolean>, withinMs = 5000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > withinMs) throw new Error(`not within ${withinMs} ms`);
    await sleep(20);
  }
}

/** The PostgreSQL seam's news of commits: LISTEN on a connection of its own, fed by the triggers of every table. */
describe.runIf(!sqlite)('change notifications on PostgreSQL', () => {
  const listeners = () =>
    sql<{ pid: number }>`select pid from pg_stat_activity where application_name = 'portal-changes' and datname = current_database()`
      .execute(test.db)
      .then(({ rows }) => rows.map((row) => row.pid));

  it('are sent by every table but the migrator’s own, so nothing written escapes them', async () => {
    const { rows } = await sql<{ table: string }>`
      select c.relname as table from pg_class c
      where c.relnamespace = current_schema()::regnamespace and c.relkind in ('r', 'p') and c.relname not like 'kysely\_migration%'
        and not exists (select 1 from pg_trigger t where t.tgrelid = c.oid and t.tgname = 'portal_change_notified')`.execute(test.db);
    expect(rows.map((row) => row.table)).toEqual([]);
    const { rows: notified } = await sql<{ count: number }>`select count(*) as count from pg_trigger where tgname = 'portal_change_notified'`.execute(
      test.db,
    );
    expect(notified[0]!.count).toBeGreaterThan(10);
  });

  it('are heard again after the listening connection is killed: the counter moves at every read meanwhile, then at each commit', async () => {
    const counter = await commitCounter(test.db);
    // While no connection listens, every read of the counter moves it; once one listens again, two reads agree.
    const steady = async () => {
      const reading = counter();
      return counter() === reading;
    };
    const [first] = await listeners();
    expect(first).toBeTypeOf('number');
    await sql`select pg_terminate_backend(${first})`.execute(test.db);
    // Deaf or listening again: either way a commit made now is never missed.
    await until(async () => (await listeners()).some((pid) => pid !== first));
    await until(steady);
    const before = counter();
    const other = test.connect();
    try {
      await sql`update certification_body set name = 'after the reconnect' where code = 'COUNTED'`.execute(other);
    } finally {
      await other.destroy();
    }
    await until(async () => counter() !== before);
    await until(steady);
  });
});
