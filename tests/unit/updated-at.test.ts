import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { insertComment, testUscc } from '../support/notice-fixtures.ts';
import { insertBodyAndScheme, insertCertificate, insertNotice, insertOrganisation } from '../support/registry-fixtures.ts';

/**
 * updated_at moves whenever what the API publishes of a certificate or a notice changes,
 * whoever writes: these are plain SQL writes, as the back office may make, that do not
 * stamp anything themselves. Incremental sync (updatedSince) relies on it.
 */
const OLD = '2026-01-01T00:00:00.000Z';
let test: TestDatabase;
let ground: { bodyId: number; schemeId: number };
let holder: number;
let certificate: number;
let notice: number;

beforeAll(async () => {
  test = await createTestDatabase();
  ground = await insertBodyAndScheme(test.db);
  holder = await insertOrganisation(test.db, '杭州湖滨家电售后服务有限公司', testUscc('MA7000777'));
  certificate = await insertCertificate(test.db, ground, { number: 'TCB-SH-26-000777', organisationId: holder });
  notice = await insertNotice(test.db, ground, {
    organisationId: holder,
    windowStart: '2026-03-01T00:00:00.000Z',
    windowEnd: '2026-03-11T00:00:00.000Z',
    reference: 'GS-STAMP-1',
  });
});
afterAll(async () => {
  await test?.remove();
});

/**
 * Both records set back to an old stamp before each case, so any later stamp is a move. (A
 * write of the stamp it already has is, to SQLite's trigger, a write that did not stamp.)
 */
const setBack = async (table: 'certificate' | 'notice', id: number) =>
  sql`update ${sql.table(table)} set updated_at = ${OLD} where id = ${id} and updated_at <> ${OLD}`.execute(test.db);
beforeEach(async () => {
  await setBack('certificate', certificate);
  await setBack('notice', notice);
});

const stampOf = async (table: 'certificate' | 'notice', id: number) =>
  (await sql<{ stamp: string }>`select updated_at as stamp from ${sql.table(table)} where id = ${id}`.execute(test.db)).rows[0]!.stamp;
const movedSince = (before: Date) => async (table: 'certificate' | 'notice', id: number) => {
  const stamp = await stampOf(table, id);
  expect(stamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  expect(Date.parse(stamp)).toBeGreaterThanOrEqual(before.getTime() - 1000);
};

describe('a certificate moves', () => {
  it('when its status is changed without a stamp, and keeps a stamp its writer gives', async () => {
    const moved = movedSince(new Date());
    await sql`update certificate set status = 'suspended' where id = ${certificate}`.execute(test.db);
    await moved('certificate', certificate);
    await sql`update certificate set status = 'valid', updated_at = '2026-02-02T02:02:02.000Z' where id = ${certificate}`.execute(test.db);
    expect(await stampOf('certificate', certificate)).toBe('2026-02-02T02:02:02.000Z');
  });

  it('when an event of it is recorded, corrected or removed', async () => {
    const moved = movedSince(new Date());
    await sql`insert into certificate_event (certificate_id, kind, occurred_at, description) values (${certificate}, 'suspended', '2026-05-01T00:00:00.000Z', '暂停')`.execute(
      test.db,
    );
    await moved('certificate', certificate);
    for (const change of [
      sql`update certificate_event set description = '暂停（更正）' where certificate_id = ${certificate} and kind = 'suspended'`,
      sql`delete from certificate_event where certificate_id = ${certificate} and kind = 'suspended'`,
    ]) {
      await setBack('certificate', certificate);
      await change.execute(test.db);
      await moved('certificate', certificate);
    }
  });

  it('and its notices move when the holder is renamed; a body renamed moves neither', async () => {
    await sql`update certification_body set name = '测试认证中心（更名）' where id = ${ground.bodyId}`.execute(test.db);
    expect(await stampOf('certificate', certificate)).toBe(OLD);
    expect(await stampOf('notice', notice)).toBe(OLD);
    const moved = movedSince(new Date());
    await sql`update organisation set name = '杭州湖滨家电服务有限公司', name_search = '杭州湖滨家电服务有限公司' where id = ${holder}`.execute(
      test.db,
    );
    await moved('certificate', certificate);
    await moved('notice', notice);
  });

  it('never backwards: a stamp ahead of the database clock stays', async () => {
    await sql`update certificate set updated_at = '2099-01-01T00:00:00.000Z' where id = ${certificate}`.execute(test.db);
    await sql`update certificate set scope = '家用电器的售后服务（更正）' where id = ${certificate}`.execute(test.db);
    expect(await stampOf('certificate', certificate)).toBe('2099-01-01T00:00:00.000Z');
  });
});

describe('a notice moves', () => {
  it('when it is withdrawn, and when it is decided', async () => {
    const moved = movedSince(new Date());
    await sql`update notice set status = 'withdrawn' where id = ${notice}`.execute(test.db);
    await moved('notice', notice);
    await sql`update notice set status = 'published', updated_at = ${OLD} where id = ${notice}`.execute(test.db);
    expect(await stampOf('notice', notice)).toBe(OLD);
    await sql`update notice set decision = 'certified', decided_at = '2026-03-20T00:00:00.000Z', certificate_id = ${certificate} where id = ${notice}`.execute(
      test.db,
    );
    await moved('notice', notice);
  });

  it('when a comment is published or a published one answered, not when one is received', async () => {
    await insertComment(test.db, notice, { text: '售后电话无人接听。' });
    expect(await stampOf('notice', notice)).toBe(OLD);
    await sql`update comment set status = 'under_review' where notice_id = ${notice}`.execute(test.db);
    expect(await stampOf('notice', notice)).toBe(OLD);
    const moved = movedSince(new Date());
    await sql`update comment set published = 1 where notice_id = ${notice}`.execute(test.db);
    await moved('notice', notice);
    await setBack('notice', notice);
    await sql`update comment set reply = '已核实并整改。', status = 'answered' where notice_id = ${notice}`.execute(test.db);
    await moved('notice', notice);
  });

  it('keeps the stamp it was written with: the province the triggers copy is not a change', async () => {
    const fresh = await insertNotice(test.db, ground, {
      organisationId: holder,
      windowStart: '2026-04-01T00:00:00.000Z',
      windowEnd: '2026-04-11T00:00:00.000Z',
      reference: 'GS-STAMP-2',
    });
    expect(await stampOf('notice', fresh)).toBe('2026-01-01T00:00:00.000Z');
  });
});

describe('a writer that stamps everything itself', () => {
  it('keeps its stamps while it holds a row in stamp_pause inside its transaction, and no one else is paused', async () => {
    await test.db.transaction().execute(async (trx) => {
      await sql`insert into stamp_pause (writer) values ('test')`.execute(trx);
      await sql`insert into certificate_event (certificate_id, kind, occurred_at, description) values (${certificate}, 'surveillance_passed', '2026-06-01T00:00:00.000Z', '监督审核通过')`.execute(
        trx,
      );
      await sql`update notice set scope = '家用电器的售后服务（更正）' where id = ${notice}`.execute(trx);
      await sql`delete from stamp_pause where writer = 'test'`.execute(trx);
    });
    expect(await stampOf('certificate', certificate)).toBe(OLD);
    expect(await stampOf('notice', notice)).toBe(OLD);
    const moved = movedSince(new Date());
    await sql`delete from certificate_event where certificate_id = ${certificate} and kind = 'surveillance_passed'`.execute(test.db);
    await moved('certificate', certificate);
  });
});
