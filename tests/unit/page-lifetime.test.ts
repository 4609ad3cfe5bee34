import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nextChangeByTime } from '../../src/lib/web/runtime/page-lifetime.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { testUscc } from '../support/notice-fixtures.ts';
import { insertBodyAndScheme, insertCertificate, insertNotice, insertOrganisation } from '../support/registry-fixtures.ts';

let test: TestDatabase;
let ground: { bodyId: number; schemeId: number };
let applicant: number;

beforeEach(async () => {
  test = await createTestDatabase();
  ground = await insertBodyAndScheme(test.db);
  applicant = await insertOrganisation(test.db, '杭州西子湖畔家电售后服务有限公司', '91330100799655058B');
});
afterEach(() => test.remove());

const at = (instant: string) => nextChangeByTime(test.db, new Date(instant)).then((next) => next.toISOString());

describe('how long a page rendered now stays right by time alone', () => {
  it('until the next whole minute when nothing is scheduled', async () => {
    expect(await at('2026-12-01T10:15:42.250Z')).toBe('2026-12-01T10:16:00.000Z');
    expect(await at('2026-12-01T10:15:00.000Z')).toBe('2026-12-01T10:16:00.000Z');
  });

  it('until midnight in Beijing (16:00 UTC), when certificates expire, if that comes first', async () => {
    expect(await at('2026-12-01T15:59:30.000Z')).toBe('2026-12-01T16:00:00.000Z');
  });

  it('until a window opens, closes, or a notice is published or decided, to the millisecond', async () => {
    await insertNotice(test.db, ground, {
      organisationId: applicant,
      windowStart: '2026-12-01T10:15:50.500Z',
      windowEnd: '2026-12-11T10:15:50.500Z',
    });
    expect(await at('2026-12-01T10:15:42.250Z')).toBe('2026-12-01T10:15:50.500Z');
    // Open since then: its countdown next ticks at 10:16:50.5, after the next whole minute.
    expect(await at('2026-12-01T10:15:51.000Z')).toBe('2026-12-01T10:16:00.000Z');
  });

  it("until an open window's countdown ticks: each minute at its end's second", async () => {
    await insertNotice(test.db, ground, {
      organisationId: applicant,
      windowStart: '2026-11-30T02:00:00.000Z',
      windowEnd: '2026-12-05T02:00:20.000Z',
    });
    // "… 12 minutes left" becomes "11 minutes" at hh:mm:20.
    expect(await at('2026-12-01T10:15:05.000Z')).toBe('2026-12-01T10:15:20.000Z');
    expect(await at('2026-12-01T10:15:20.000Z')).toBe('2026-12-01T10:16:00.000Z');
    expect(await at('2026-12-01T10:15:42.000Z')).toBe('2026-12-01T10:16:00.000Z');
  });

  it('until a certificate event takes effect', async () => {
    const organisation = await insertOrganisation(test.db, '宁波甬江物业管理有限公司', testUscc('MA2AH5X20'));
    await insertCertificate(test.db, ground, {
      number: 'CCC-EVENT-0001',
      organisationId: organisation,
      events: [{ kind: 'suspended', occurredAt: '2026-12-01T10:15:44.000Z' }],
    });
    expect(await at('2026-12-01T10:15:42.250Z')).toBe('2026-12-01T10:15:44.000Z');
  });
});
