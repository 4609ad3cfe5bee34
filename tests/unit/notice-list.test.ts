import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../../src/lib/ground/errors.ts';
import { errorMessageFor } from '../../src/lib/i18n/messages.ts';
import { parseNoticeListQuery } from '../../src/lib/domain/notices/inputs.ts';
import {
  findNotice,
  listNotices,
  NOTICE_LIST_LIMIT,
  NOTICE_PAGE_SIZE,
  noticeFilterOptions,
  type NoticeFilters,
} from '../../src/lib/domain/notices/repository.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { insertApplicant, insertClosedNotices, insertComment, insertListedNotice, insertScheme } from '../support/notice-fixtures.ts';
import { insertBodyAndScheme, insertCertificate } from '../support/registry-fixtures.ts';

const NOW = new Date('2026-11-26T04:00:00.000Z');
const JUST_AFTER = new Date(NOW.getTime() + 1);
const PRIVATE_NAME = '隐私测试姓名乙';
const PRIVATE_CONTACT = 'private-unit-13900139000@example.cn';

let test: TestDatabase;
const ids: Record<string, number> = {};

async function references(filters: NoticeFilters, now = NOW): Promise<string[]> {
  const list = await listNotices(test.db, filters, 1, now);
  return list.items.map((item) => item.reference);
}

beforeAll(async () => {
  test = await createTestDatabase();
  const ground = await insertBodyAndScheme(test.db);
  const restaurant = await insertScheme(test.db, 'restaurant', '餐厅餐饮服务认证');
  const zhejiang = await insertApplicant(test.db, '杭州西子湖畔家电售后服务有限公司', 'MA1000001');
  const guangdong = await insertApplicant(test.db, '深圳南山餐饮管理有限公司', 'MA1000002', '广东省');
  // An organisation without notices: its province must not be offered as a filter.
  await insertApplicant(test.db, '上海浦江批发有限公司', 'MA1000003', '上海市');
  const certificateId = await insertCertificate(test.db, ground, { number: 'TCB-SH-26-000001', organisationId: zhejiang });

  const notices: [string, Omit<Parameters<typeof insertListedNotice>[2], 'reference'>][] = [
    ['OPEN-LATE', { organisationId: zhejiang, kind: 'surveillance', windowStart: '2026-11-20T01:00:00.000Z', windowEnd: '2026-12-04T09:00:00.000Z' }],
    ['OPEN-SOON', { organisationId: zhejiang, schemeId: restaurant, windowStart: '2026-11-24T01:00:00.000Z', windowEnd: '2026-11-28T09:00:00.000Z' }],
    // Ends one millisecond after now: still open.
    ['OPEN-EDGE', { organisationId: zhejiang, windowStart: '2026-11-25T01:00:00.000Z', windowEnd: '2026-11-26T04:00:00.001Z' }],
    // Ends exactly at now: closed.
    ['CLOSED-AT-NOW', { organisationId: zhejiang, windowStart: '2026-11-18T01:00:00.000Z', windowEnd: '2026-11-26T04:00:00.000Z', certificateId }],
    ['UPCOMING-SOON', { organisationId: guangdong, windowStart: '2026-11-27T01:00:00.000Z', windowEnd: '2026-12-05T09:00:00.000Z' }],
    [
      'UPCOMING-LATE',
      { organisationId: zhejiang, kind: 'recertification', windowStart: '2026-12-10T01:00:00.000Z', windowEnd: '2026-12-18T09:00:00.000Z' },
    ],
    // Its window is running, but withdrawn notices are listed among the closed.
    ['WITHDRAWN', { organisationId: zhejiang, status: 'withdrawn', windowStart: '2026-11-21T01:00:00.000Z', windowEnd: '2026-12-01T09:00:00.000Z' }],
    // 2025-12-31T17:00Z is 2026-01-01 01:00 in Beijing.
    ['YEAR-EDGE-2026', { organisationId: zhejiang, windowStart: '2025-12-31T17:00:00.000Z', windowEnd: '2026-01-09T09:00:00.000Z' }],
    // 2025-12-31T15:00Z is still 2025-12-31 23:00 in Beijing.
    ['YEAR-EDGE-2025', { organisationId: guangdong, windowStart: '2025-12-31T15:00:00.000Z', windowEnd: '2026-01-05T09:00:00.000Z' }],
    [
      'CLOSED-OLD',
      { organisationId: zhejiang, schemeId: restaurant, windowStart: '2025-03-01T01:00:00.000Z', windowEnd: '2025-03-10T09:00:00.000Z' },
    ],
  ];
  for (const [reference, fixture] of notices) {
    ids[reference] = await insertListedNotice(test.db, ground, { ...fixture, reference });
  }
  await insertComment(test.db, ids['CLOSED-AT-NOW']!, {
    kind: 'objection',
    text: '公开的异议内容',
    reply: '认证机构的公开答复',
    status: 'answered',
    published: 1,
    receivedAt: '2026-11-20T02:00:00.000Z',
    submitterName: PRIVATE_NAME,
    submitterContact: PRIVATE_CONTACT,
    submitterOrganisation: '隐私测试单位',
  });
  await insertComment(test.db, ids['CLOSED-AT-NOW']!, {
    text: '未公开的意见内容',
    submitterName: PRIVATE_NAME,
    submitterContact: PRIVATE_CONTACT,
    receivedAt: '2026-11-21T02:00:00.000Z',
  });
});
afterAll(() => test.remove());

describe('notice list order', () => {
  it('lists open notices by soonest deadline, then upcoming by soonest start, then closed by most recent start', async () => {
    expect(await references({})).toEqual([
      'OPEN-EDGE',
      'OPEN-SOON',
      'OPEN-LATE',
      'UPCOMING-SOON',
      'UPCOMING-LATE',
      'WITHDRAWN',
      'CLOSED-AT-NOW',
      'YEAR-EDGE-2026',
      'YEAR-EDGE-2025',
      'CLOSED-OLD',
    ]);
  });

  it('moves a notice from open to closed when its window ends, to the millisecond', async () => {
    const atNow = await references({ state: 'open' });
    const justAfter = await references({ state: 'open' }, JUST_AFTER);
    expect(atNow).toContain('OPEN-EDGE');
    expect(justAfter).not.toContain('OPEN-EDGE');
    expect(await references({ state: 'closed' }, JUST_AFTER)).toContain('OPEN-EDGE');
  });
});

describe('notice state at request time', () => {
  it('shows a notice whose window ends 1 ms after now as open and one ending at now as closed', async () => {
    const { items } = await listNotices(test.db, {}, 1, NOW);
    const stateOf = (reference: string) => items.find((item) => item.reference === reference)?.state;
    expect(stateOf('OPEN-EDGE')).toBe('open');
    expect(stateOf('CLOSED-AT-NOW')).toBe('closed');
    expect(stateOf('UPCOMING-SOON')).toBe('upcoming');
  });

  it('shows a withdrawn notice as withdrawn though it is listed among the closed', async () => {
    const { items } = await listNotices(test.db, { state: 'closed' }, 1, NOW);
    expect(items.find((item) => item.reference === 'WITHDRAWN')?.state).toBe('withdrawn');
    expect(await references({ state: 'open' })).not.toContain('WITHDRAWN');
  });
});

describe('notice list filters', () => {
  it.each<[string, NoticeFilters, string[]]>([
    ['state open', { state: 'open' }, ['OPEN-EDGE', 'OPEN-SOON', 'OPEN-LATE']],
    ['state upcoming', { state: 'upcoming' }, ['UPCOMING-SOON', 'UPCOMING-LATE']],
    ['state closed', { state: 'closed' }, ['WITHDRAWN', 'CLOSED-AT-NOW', 'YEAR-EDGE-2026', 'YEAR-EDGE-2025', 'CLOSED-OLD']],
    ['kind', { kind: 'surveillance' }, ['OPEN-LATE']],
    ['scheme code', { scheme: 'restaurant' }, ['OPEN-SOON', 'CLOSED-OLD']],
    ['province of the applicant', { province: '广东省' }, ['UPCOMING-SOON', 'YEAR-EDGE-2025']],
    ['several at once', { state: 'open', scheme: 'restaurant' }, ['OPEN-SOON']],
    ['a scheme nobody uses', { scheme: 'no-such-scheme' }, []],
  ])('narrows the list by %s', async (_, filters, expected) => {
    expect(await references(filters)).toEqual(expected);
  });

  it('reads the year as the Beijing-time year of the window start', async () => {
    const in2026 = await references({ year: 2026 });
    expect(in2026).toContain('YEAR-EDGE-2026');
    expect(in2026).not.toContain('YEAR-EDGE-2025');
    expect(await references({ year: 2025 })).toEqual(['YEAR-EDGE-2025', 'CLOSED-OLD']);
    expect(await references({ year: 2024 })).toEqual([]);
  });
});

describe('notice list items', () => {
  it('carry the title, scheme, proposed level, applicant and the number of comments received', async () => {
    const { items } = await listNotices(test.db, { state: 'closed' }, 1, NOW);
    const decided = items.find((item) => item.reference === 'CLOSED-AT-NOW')!;
    expect(decided).toMatchObject({
      id: ids['CLOSED-AT-NOW'],
      title: '杭州西子湖畔家电售后服务有限公司 售后服务认证初次认证公示',
      kind: 'initial',
      scheme: { code: 'after-sales', name: '售后服务认证' },
      proposedLevel: { code: 'five-star', name: '五星' },
      applicant: { name: '杭州西子湖畔家电售后服务有限公司', uscc: expect.stringMatching(/^91330100MA1000001/), province: '浙江省' },
      windowStart: '2026-11-18T01:00:00.000Z',
      windowEnd: '2026-11-26T04:00:00.000Z',
      state: 'closed',
      // Published or not, every comment received is counted.
      commentCount: 2,
    });
    expect(items.find((item) => item.reference === 'CLOSED-OLD')?.commentCount).toBe(0);
  });

  it('never carry a comment or anything of its submitter', async () => {
    const text = JSON.stringify(await listNotices(test.db, {}, 1, NOW));
    for (const secret of [PRIVATE_NAME, PRIVATE_CONTACT, '隐私测试单位', 'not-a-real-hash', '公开的异议内容']) {
      expect(text).not.toContain(secret);
    }
  });
});

describe('notice list pages', () => {
  let paged: TestDatabase;
  const COUNT = 45;

  beforeAll(async () => {
    paged = await createTestDatabase();
    const ground = await insertBodyAndScheme(paged.db);
    const applicant = await insertApplicant(paged.db, '宁波甬江物业管理有限公司', 'MA2000001');
    for (let i = 0; i < COUNT; i++) {
      const day = String(1 + (i % 28)).padStart(2, '0');
      await insertListedNotice(paged.db, ground, {
        reference: `PAGED-${String(i).padStart(2, '0')}`,
        organisationId: applicant,
        windowStart: `2026-0${1 + (i % 9)}-${day}T01:00:00.000Z`,
        windowEnd: `2026-0${1 + (i % 9)}-${day}T09:${String(i).padStart(2, '0')}:00.000Z`,
      });
    }
  });
  afterAll(() => paged.remove());

  it('counts every match and pages through all of them in order, 20 a page', async () => {
    const pages = await Promise.all([1, 2, 3, 4].map((page) => listNotices(paged.db, {}, page, NOW)));
    expect(pages.map((page) => page.total)).toEqual([COUNT, COUNT, COUNT, COUNT]);
    expect(pages.map((page) => page.pageCount)).toEqual([3, 3, 3, 3]);
    expect(pages.map((page) => page.items.length)).toEqual([NOTICE_PAGE_SIZE, NOTICE_PAGE_SIZE, 5, 0]);
    const ends = pages.flatMap((page) => page.items.map((item) => item.windowEnd));
    expect(new Set(pages.flatMap((page) => page.items.map((item) => item.id))).size).toBe(COUNT);
    expect(ends).toEqual([...ends].sort().reverse());
  });

  it('counts the matches of the filters, not of the whole table', async () => {
    const list = await listNotices(paged.db, { year: 2025 }, 1, NOW);
    expect(list).toEqual({ total: 0, listed: 0, page: 1, pageCount: 0, items: [] });
  });
});

describe('a list longer than its limit', () => {
  let long: TestDatabase;
  const CLOSED = NOTICE_LIST_LIMIT + 50;
  const closedReference = (i: number) => `LONG-${String(i).padStart(5, '0')}`;

  beforeAll(async () => {
    long = await createTestDatabase();
    const ground = await insertBodyAndScheme(long.db);
    const applicant = await insertApplicant(long.db, '宁波甬江物业管理有限公司', 'MA3000001');
    await insertListedNotice(long.db, ground, {
      reference: 'LONG-OPEN',
      organisationId: applicant,
      windowStart: '2026-11-25T01:00:00.000Z',
      windowEnd: '2026-11-30T09:00:00.000Z',
    });
    await insertClosedNotices(long.db, CLOSED, closedReference, '2026-11-01T01:00:00.000Z');
  });
  afterAll(() => long.remove());

  it('counts every notice, and lists the first NOTICE_LIST_LIMIT of them', async () => {
    const list = await listNotices(long.db, {}, 1, NOW);
    expect(list).toMatchObject({ total: CLOSED + 1, listed: NOTICE_LIST_LIMIT, pageCount: NOTICE_LIST_LIMIT / NOTICE_PAGE_SIZE });
    expect(list.items.map((item) => item.reference).slice(0, 3)).toEqual(['LONG-OPEN', closedReference(0), closedReference(1)]);
    expect(await listNotices(long.db, { state: 'closed' }, 1, NOW)).toMatchObject({ total: CLOSED, listed: NOTICE_LIST_LIMIT });
    expect(await listNotices(long.db, { state: 'open' }, 1, NOW)).toMatchObject({ total: 1, listed: 1 });
  });

  it('serves its last page in order, after the open notice, and nothing beyond', async () => {
    const last = await listNotices(long.db, {}, NOTICE_LIST_LIMIT / NOTICE_PAGE_SIZE, NOW);
    expect(last.items.map((item) => item.reference)).toEqual(
      Array.from({ length: NOTICE_PAGE_SIZE }, (_, i) => closedReference(NOTICE_LIST_LIMIT - NOTICE_PAGE_SIZE - 1 + i)),
    );
    expect((await listNotices(long.db, {}, NOTICE_LIST_LIMIT / NOTICE_PAGE_SIZE + 1, NOW)).items).toEqual([]);
  });

  // Last: it changes the data.
  it('keeps the count right whoever writes: a deletion, a notice moved to another year or province', async () => {
    const count = async (filters: NoticeFilters) => (await listNotices(long.db, filters, 1, NOW)).total;
    const [all, in2026, zhejiang] = [await count({}), await count({ year: 2026 }), await count({ province: '浙江省' })];
    await long.db.deleteFrom('notice').where('reference', '=', closedReference(5)).execute();
    await long.db.updateTable('notice').set({ windowStart: '2025-06-01T01:00:00.000Z' }).where('reference', '=', closedReference(6)).execute();
    const organisationId = (
      await long.db.selectFrom('notice').select('organisationId').where('reference', '=', closedReference(7)).executeTakeFirstOrThrow()
    ).organisationId;
    await long.db.updateTable('organisation').set({ province: '广东省' }).where('id', '=', organisationId).execute();
    expect([
      await count({}),
      await count({ year: 2026 }),
      await count({ year: 2025 }),
      await count({ province: '浙江省' }),
      await count({ province: '广东省' }),
    ]).toEqual([all - 1, all - 2, 1, 0, all - 1]);
    expect(in2026).toBe(all);
    expect(zhejiang).toBe(all);
  });
});

describe('notice filter options', () => {
  it('offers every scheme and body, the provinces of applicants with notices (by administrative code) and the Beijing years present', async () => {
    expect(await noticeFilterOptions(test.db)).toEqual({
      schemes: [
        { code: 'after-sales', name: '售后服务认证' },
        { code: 'restaurant', name: '餐厅餐饮服务认证' },
      ],
      bodies: [{ code: 'TCB', name: '测试认证中心' }],
      // 浙江 33 before 广东 44, though 广 sorts before 浙 by code point.
      provinces: ['浙江省', '广东省'],
      years: [2026, 2025],
    });
    expect((await noticeFilterOptions(test.db)).provinces).not.toContain('上海市');
  });
});

describe('one notice', () => {
  it('carries only the published comments, and of each only kind, text, received time, status, reply and finding', async () => {
    const notice = await findNotice(test.db, ids['CLOSED-AT-NOW']!);
    expect(notice?.commentCount).toBe(2);
    expect(notice?.publishedComments).toEqual([
      { kind: 'objection', text: '公开的异议内容', receivedOn: '2026-11-20', status: 'answered', reply: '认证机构的公开答复', finding: null },
    ]);
    const text = JSON.stringify(notice);
    for (const secret of [PRIVATE_NAME, PRIVATE_CONTACT, '隐私测试单位', 'not-a-real-hash', '未公开的意见内容']) {
      expect(text).not.toContain(secret);
    }
  });

  it('states the applicant address, scheme basis, body and the certificate its decision issued', async () => {
    const notice = await findNotice(test.db, ids['CLOSED-AT-NOW']!);
    expect(notice).toMatchObject({
      applicant: { address: '杭州市西湖区文三路 1 号' },
      scheme: { basis: '《商品售后服务评价体系》GB/T 27922' },
      body: { name: '测试认证中心', approvalNumber: 'CNCA-R-2002-001' },
      decision: 'certified',
      certificate: { number: 'TCB-SH-26-000001' },
    });
    expect((await findNotice(test.db, ids['OPEN-SOON']!))?.certificate).toBeNull();
  });

  it('is null for an unknown id', async () => {
    expect(await findNotice(test.db, 999_999)).toBeNull();
  });
});

describe('notice list query', () => {
  it('takes empty form fields as "any"', () => {
    expect(parseNoticeListQuery({ state: '', kind: '', scheme: '', province: '', year: '' })).toEqual({ page: 1 });
  });

  it.each([
    ['a state that does not exist', { state: 'soon' }, '公示状态'],
    ['a year that is not a number', { year: 'abc' }, '年份'],
    ['a page below 1', { page: '0' }, '页码'],
  ])('refuses %s as invalid_query and explains it in Chinese', (_, query, field) => {
    let caught: unknown;
    try {
      parseNoticeListQuery(query);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DomainError);
    expect(caught).toMatchObject({ kind: 'invalid_input', code: 'invalid_query' });
    expect(errorMessageFor(caught as DomainError, 'zh-CN')).toContain(field);
  });
});
