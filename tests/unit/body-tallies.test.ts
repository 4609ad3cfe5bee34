import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoData } from '../../scripts/demo/generate.ts';
import { certificateCountsOfBody } from '../../src/lib/domain/bodies/repository.ts';
import { statusOnDay } from '../../src/lib/domain/certificates/status.ts';
import { listNotices } from '../../src/lib/domain/notices/repository.ts';
import { beijingDate } from '../../src/lib/ground/time/beijing.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

/** certificate_tally and notice_body_tally agree with the rows they count, whoever writes them, and the pages read them. */
let test: TestDatabase;

beforeAll(async () => {
  test = await createTestDatabase();
  await seedDemoData(test.db, { certificates: 300, notices: 120, seed: 11, now: new Date() });
});
afterAll(async () => {
  await test?.remove();
});

const positive = <Row extends Record<string, unknown>>(rows: Row[], count: keyof Row) =>
  rows
    .filter((row) => Number(row[count]) !== 0)
    .map((row) => JSON.stringify(Object.entries(row).map(([key, value]) => [key, key === count ? Number(value) : value])))
    .sort();

async function expectTalliesToMatchRows(): Promise<void> {
  const certificateTally = await sql<Record<string, unknown>>`select body_id, status, expires_on, certificates from certificate_tally`.execute(
    test.db,
  );
  const certificates = await sql<
    Record<string, unknown>
  >`select body_id, status, expires_on, count(*) as certificates from certificate group by 1, 2, 3`.execute(test.db);
  expect(positive(certificateTally.rows, 'certificates')).toEqual(positive(certificates.rows, 'certificates'));
  const noticeTally = await sql<Record<string, unknown>>`select body_id, kind, scheme_id, province, year, notices from notice_body_tally`.execute(
    test.db,
  );
  const notices = (await test.db.selectFrom('notice').select(['bodyId', 'kind', 'schemeId', 'province', 'windowStart']).execute()).reduce<
    Map<string, number>
  >((tally, notice) => {
    const key = JSON.stringify([
      notice.bodyId,
      notice.kind,
      notice.schemeId,
      notice.province,
      Number(beijingDate(new Date(notice.windowStart)).slice(0, 4)),
    ]);
    return tally.set(key, (tally.get(key) ?? 0) + 1);
  }, new Map());
  expect(
    Object.fromEntries(
      noticeTally.rows
        .filter((row) => Number(row.notices) !== 0)
        .map((row) => [JSON.stringify([row.bodyId, row.kind, row.schemeId, row.province, Number(row.year)]), Number(row.notices)]),
    ),
  ).toEqual(Object.fromEntries(notices));
}

describe('body tallies', () => {
  it('count every certificate and notice after the demo data set, and after changes and deletions written by plain SQL', async () => {
    await expectTalliesToMatchRows();
    const bodies = (await test.db.selectFrom('certificationBody').select('id').orderBy('id').execute()).map((body) => body.id);
    expect(bodies.length).toBeGreaterThan(1);
    const other = test.connect();
    try {
      await sql`update certificate set status = 'suspended' where id % 7 = 0`.execute(other);
      await sql`update certificate set expires_on = '2020-01-31' where id % 11 = 0`.execute(other);
      await sql`update certificate set body_id = ${bodies[1]} where id % 13 = 0`.execute(other);
      await sql`delete from certificate_event where certificate_id in (select id from certificate where id % 17 = 0)`.execute(other);
      await sql`delete from certificate_surveillance_due where certificate_id in (select id from certificate where id % 17 = 0)`.execute(other);
      await sql`update notice set certificate_id = null where certificate_id in (select id from certificate where id % 17 = 0)`.execute(other);
      await sql`delete from certificate where id % 17 = 0`.execute(other);
      await sql`update notice set body_id = ${bodies[1]} where id % 5 = 0`.execute(other);
      await sql`update notice set window_start = '2019-06-01T00:00:00.000Z', window_end = '2019-06-08T00:00:00.000Z' where id % 9 = 0`.execute(other);
      await sql`delete from comment where notice_id in (select id from notice where id % 19 = 0)`.execute(other);
      await sql`delete from notice where id % 19 = 0`.execute(other);
    } finally {
      await other.destroy();
    }
    await expectTalliesToMatchRows();
  });

  it('give a body page its counts by status today and a body-filtered list its total, as counting the rows would', async () => {
    const today = beijingDate(new Date());
    const now = new Date();
    for (const body of await test.db.selectFrom('certificationBody').select(['id', 'code']).execute()) {
      const rows = await test.db.selectFrom('certificate').select(['status', 'expiresOn']).where('bodyId', '=', body.id).execute();
      const expected: Record<string, number> = { valid: 0, suspended: 0, expired: 0, withdrawn: 0, cancelled: 0, total: rows.length };
      for (const row of rows) expected[statusOnDay(row.status, row.expiresOn, today)]! += 1;
      expect(await certificateCountsOfBody(test.db, body.id, today), body.code).toEqual(expected);
      const notices = await test.db
        .selectFrom('notice')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('bodyId', '=', body.id)
        .executeTakeFirstOrThrow();
      expect((await listNotices(test.db, { body: body.code }, 1, now)).total, body.code).toBe(Number(notices.count));
    }
  });
});
