import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoData } from '../../scripts/demo/generate.ts';
import { findCertificateByNumber } from '../../src/lib/domain/certificates/repository.ts';
import {
  recertificationAsOf,
  surveillanceAsOf,
  surveillanceDueOn,
  type NoticeForRecertification,
  type SurveillanceFacts,
} from '../../src/lib/domain/certificates/surveillance.ts';
import type { PortalDb } from '../../src/lib/db/database.ts';
import { officialBeijingTime } from '../../src/lib/ground/time/beijing.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { insertBodyAndScheme, insertCertificate, insertOrganisation } from '../support/registry-fixtures.ts';

/** A surveillance recorded at 10:00 Beijing time on `day`. */
const surveillance = (day: string) => ({ kind: 'surveillance_passed' as const, occurredAt: `${day}T02:00:00.000Z` });

/** Issued 2025-03-01 for the usual three years: two surveillances are due, then re-certification. */
const issued: SurveillanceFacts = {
  status: 'valid',
  issuedOn: '2025-03-01',
  expiresOn: '2028-02-29',
  events: [{ kind: 'issued', occurredAt: '2025-03-01T02:00:00.000Z' }],
};
const recorded = (...days: string[]): SurveillanceFacts => ({ ...issued, events: [...issued.events, ...days.map(surveillance)] });

describe('the yearly surveillance of a certificate', () => {
  it('is due 12 months after the issue, and overdue from the day after', () => {
    expect(surveillanceAsOf(issued, '2026-02-28')).toEqual({ lastOn: null, dueOn: '2026-03-01', overdue: false });
    expect(surveillanceAsOf(issued, '2026-03-01')).toEqual({ lastOn: null, dueOn: '2026-03-01', overdue: false });
    expect(surveillanceAsOf(issued, '2026-03-02')).toEqual({ lastOn: null, dueOn: '2026-03-01', overdue: true });
  });

  it('is due 12 months after the last surveillance once one is recorded', () => {
    const once = recorded('2026-02-20');
    expect(surveillanceAsOf(once, '2026-03-02')).toEqual({ lastOn: '2026-02-20', dueOn: '2027-02-20', overdue: false });
    expect(surveillanceAsOf(once, '2027-02-20').overdue).toBe(false);
    expect(surveillanceAsOf(once, '2027-02-21')).toEqual({ lastOn: '2026-02-20', dueOn: '2027-02-20', overdue: true });
  });

  it('counts a surveillance on the day it is recorded, never before: the day asked decides', () => {
    const late = recorded('2026-03-05');
    expect(surveillanceAsOf(late, '2026-03-04')).toEqual({ lastOn: null, dueOn: '2026-03-01', overdue: true });
    expect(surveillanceAsOf(late, '2026-03-05')).toEqual({ lastOn: '2026-03-05', dueOn: '2027-03-05', overdue: false });
  });

  it('asks for no third surveillance in a three-year cycle: the re-certification comes next', () => {
    const twice = recorded('2026-02-20', '2027-01-10');
    expect(surveillanceAsOf(twice, '2028-01-15')).toEqual({ lastOn: '2027-01-10', dueOn: null, overdue: false });
  });

  it('asks for none that would fall on or after the end of the certificate', () => {
    const lateFirst = recorded('2027-03-10');
    expect(surveillanceDueOn(lateFirst, '2027-06-01')).toBeNull();
    expect(surveillanceAsOf(lateFirst, '2028-02-20').overdue).toBe(false);
  });

  it('starts afresh with each re-certification: surveillances of the cycle before do not count', () => {
    const recertified: SurveillanceFacts = {
      status: 'valid',
      issuedOn: '2028-02-10',
      expiresOn: '2031-02-09',
      events: [...recorded('2026-02-20', '2027-01-10').events, { kind: 'recertified', occurredAt: '2028-02-10T02:00:00.000Z' }],
    };
    expect(surveillanceAsOf(recertified, '2029-02-11')).toEqual({ lastOn: '2027-01-10', dueOn: '2029-02-10', overdue: true });
  });

  it('rolls a 29 February over to 1 March, as the database index does', () => {
    const leap: SurveillanceFacts = { status: 'valid', issuedOn: '2024-02-29', expiresOn: '2027-02-28', events: [] };
    expect(surveillanceAsOf(leap, '2025-03-01')).toEqual({ lastOn: null, dueOn: '2025-03-01', overdue: false });
    expect(surveillanceAsOf(leap, '2025-03-02').overdue).toBe(true);
  });

  it('is still owed while a certificate is suspended, and no longer once it is withdrawn, cancelled or expired', () => {
    expect(surveillanceAsOf({ ...issued, status: 'suspended' }, '2026-03-02')).toEqual({ lastOn: null, dueOn: '2026-03-01', overdue: true });
    for (const status of ['withdrawn', 'cancelled'] as const) {
      expect(surveillanceAsOf({ ...issued, status }, '2026-03-02')).toEqual({ lastOn: null, dueOn: null, overdue: false });
    }
    const once = recorded('2026-02-20');
    expect(surveillanceAsOf({ ...once, expiresOn: '2026-12-31' }, '2027-01-01')).toEqual({ lastOn: '2026-02-20', dueOn: null, overdue: false });
  });

  it('asks for none in a certificate of a single year', () => {
    expect(surveillanceAsOf({ ...issued, expiresOn: '2026-02-28' }, '2026-02-01')).toEqual({ lastOn: null, dueOn: null, overdue: false });
  });
});

describe('re-certification', () => {
  const notice = (windowStart: string, status: 'published' | 'withdrawn' = 'published', kind: NoticeForRecertification['kind'] = 'recertification') =>
    ({ kind, status, windowStart }) satisfies NoticeForRecertification;

  it('is due once the certificate ends within the year and no re-certification notice exists', () => {
    expect(recertificationAsOf(issued, [], '2027-02-28')).toEqual({ due: false, notice: null });
    expect(recertificationAsOf(issued, [], '2027-03-01')).toEqual({ due: true, notice: null });
  });

  it('is not due once the body has published the cycle’s re-certification notice, which it names', () => {
    const published = notice('2027-11-01T01:00:00.000Z');
    expect(recertificationAsOf(issued, [published], '2027-12-01')).toEqual({ due: false, notice: published });
  });

  it('counts neither a withdrawn notice, nor one of another kind, nor one from before the cycle began', () => {
    const others = [
      notice('2027-11-01T01:00:00.000Z', 'withdrawn'),
      notice('2027-11-01T01:00:00.000Z', 'published', 'surveillance'),
      notice('2025-01-10T01:00:00.000Z'),
    ];
    expect(recertificationAsOf(issued, others, '2027-12-01')).toEqual({ due: true, notice: null });
  });

  it('is not due for a certificate that is no longer in force', () => {
    expect(recertificationAsOf({ ...issued, status: 'withdrawn' }, [], '2027-12-01').due).toBe(false);
    expect(recertificationAsOf(issued, [], '2028-03-01').due).toBe(false);
  });
});

describe('deadlines as officials write them', () => {
  it('writes an end at Beijing midnight as 24时 of the day before, never 0时 of the next day', () => {
    expect(officialBeijingTime('2026-12-09T16:00:00.000Z', 'end')).toBe('2026年12月9日24时');
    expect(officialBeijingTime('2026-12-31T16:00:00.000Z', 'end')).toBe('2026年12月31日24时');
  });

  it('writes other times in hours and minutes, and a start at midnight as its day', () => {
    expect(officialBeijingTime('2026-12-09T09:00:00.000Z', 'end')).toBe('2026年12月9日17时');
    expect(officialBeijingTime('2026-12-02T01:30:00.000Z', 'start')).toBe('2026年12月2日9时30分');
    expect(officialBeijingTime('2026-12-01T16:00:00.000Z', 'start')).toBe('2026年12月2日');
  });
});

describe('the index of due surveillances the database keeps', () => {
  const TODAY = '2026-12-02';
  let test: TestDatabase;

  /** What the triggers keep for each certificate: its due date, or none. */
  async function indexed(db: PortalDb): Promise<Map<number, string>> {
    const rows = await db.selectFrom('certificateSurveillanceDue').select(['certificateId', 'dueOn']).execute();
    return new Map(rows.map((row) => [row.certificateId, row.dueOn]));
  }

  /** What the pages compute from the events, for every certificate. */
  async function computed(db: PortalDb, today: string): Promise<Map<number, string>> {
    const due = new Map<number, string>();
    for (const { number } of await db.selectFrom('certificate').select('number').execute()) {
      const record = (await findCertificateByNumber(db, number))!;
      const dueOn = surveillanceDueOn(record, today);
      if (dueOn) due.set(record.id, dueOn);
    }
    return due;
  }

  beforeAll(async () => {
    test = await createTestDatabase();
  });
  afterAll(async () => {
    await test?.remove();
  });

  it('agrees with the rule the pages apply, certificate by certificate, over the demo data set', async () => {
    const demo = await createTestDatabase();
    try {
      await seedDemoData(demo.db, { certificates: 1000, notices: 100, seed: 7, now: new Date(`${TODAY}T04:00:00.000Z`) });
      const expected = await computed(demo.db, TODAY);
      expect(expected.size).toBeGreaterThan(300);
      expect(await indexed(demo.db)).toEqual(expected);
    } finally {
      await demo.remove();
    }
  });

  it('follows every write: a surveillance recorded, moved or deleted, a re-certification, a withdrawal', async () => {
    const ground = await insertBodyAndScheme(test.db);
    const holder = await insertOrganisation(test.db, '杭州索引测试有限公司', '91330100799655058B');
    const id = await insertCertificate(test.db, ground, { number: 'TCB-IX-25-000001', organisationId: holder });
    const other = await insertCertificate(test.db, ground, { number: 'TCB-IX-25-000002', organisationId: holder });
    const expectIndexed = async () => expect(await indexed(test.db)).toEqual(await computed(test.db, TODAY));

    expect((await indexed(test.db)).get(id)).toBe('2026-03-01');
    await test.db
      .insertInto('certificateEvent')
      .values({
        certificateId: id,
        ...surveillance('2026-02-20'),
        description: '第一次年度监督审核通过。',
        levelCode: null,
        expiresOn: null,
        scope: null,
      })
      .execute();
    expect((await indexed(test.db)).get(id)).toBe('2027-02-20');
    await expectIndexed();

    await test.db
      .updateTable('certificateEvent')
      .set({ occurredAt: '2026-01-20T02:00:00.000Z' })
      .where('certificateId', '=', id)
      .where('kind', '=', 'surveillance_passed')
      .execute();
    expect((await indexed(test.db)).get(id)).toBe('2027-01-20');
    await test.db
      .updateTable('certificateEvent')
      .set({ certificateId: other })
      .where('certificateId', '=', id)
      .where('kind', '=', 'surveillance_passed')
      .execute();
    expect((await indexed(test.db)).get(id)).toBe('2026-03-01');
    expect((await indexed(test.db)).get(other)).toBe('2027-01-20');
    await expectIndexed();

    await test.db.deleteFrom('certificateEvent').where('certificateId', '=', other).where('kind', '=', 'surveillance_passed').execute();
    expect((await indexed(test.db)).get(other)).toBe('2026-03-01');

    await test.db.updateTable('certificate').set({ issuedOn: '2026-11-20', expiresOn: '2029-11-19' }).where('id', '=', id).execute();
    expect((await indexed(test.db)).get(id)).toBe('2027-11-20');
    await test.db.updateTable('certificate').set({ status: 'withdrawn' }).where('id', '=', id).execute();
    expect((await indexed(test.db)).has(id)).toBe(false);
    await test.db.updateTable('certificate').set({ status: 'suspended' }).where('id', '=', id).execute();
    expect((await indexed(test.db)).get(id)).toBe('2027-11-20');
    await expectIndexed();

    await test.db.deleteFrom('certificateEvent').where('certificateId', '=', id).execute();
    await test.db.deleteFrom('certificate').where('id', '=', id).execute();
    expect((await indexed(test.db)).has(id)).toBe(false);
  });
});
