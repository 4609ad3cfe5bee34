import SQLite from 'better-sqlite3';
import { CamelCasePlugin, Kysely, SqliteDialect, type CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { badgeMaxAgeSeconds, badgeSnippet, certificateBadge, type BadgeFacts } from '../../src/lib/web/badge.ts';
import { certificateNotices, certificateOfNotice } from '../../src/lib/domain/certificates/life.ts';
import { lookupOverdueCertificates, newestOverdueCertificates } from '../../src/lib/domain/certificates/overdue.ts';
import type { PortalDatabase, PortalDb } from '../../src/lib/db/database.ts';
import { renderFeed } from '../../src/lib/web/feeds/render.ts';
import { overdueSurveillanceFeed } from '../../src/lib/web/feeds/surveillance.ts';
import { commentOutcomes } from '../../src/lib/domain/notices/comment-outcomes.ts';
import { overdueSurveillanceFeedUrl } from '../../src/lib/ground/site/urls.ts';
import { createTestDatabase, TEST_DIALECT, type TestDatabase } from '../support/database.ts';
import { parseFeed, SITE_URL } from '../support/feeds.ts';
import { insertApplicant, insertComment, insertListedNotice, insertScheme, testUscc } from '../support/notice-fixtures.ts';
import { insertBodyAndScheme, insertCertificate } from '../support/registry-fixtures.ts';

const TODAY = '2026-12-02';
const NOW = new Date('2026-12-02T04:00:00.000Z');
const SOUTH_USCC = testUscc('MA5000002');

/** A certificate issued on `issuedOn` for three years, with an issue event and any surveillances. */
const cycle = (issuedOn: string, expiresOn: string, surveillances: string[] = []) => ({
  issuedOn,
  expiresOn,
  events: [
    { kind: 'issued' as const, occurredAt: `${issuedOn}T02:00:00.000Z`, expiresOn },
    ...surveillances.map((day) => ({ kind: 'surveillance_passed' as const, occurredAt: `${day}T02:00:00.000Z` })),
  ],
});

let test: TestDatabase;
const ids: Record<string, number> = {};

beforeAll(async () => {
  test = await createTestDatabase();
  const ground = await insertBodyAndScheme(test.db);
  const property = await insertScheme(test.db, 'property', '物业服务认证');
  const west = await insertApplicant(test.db, '杭州西湖售后服务有限公司', 'MA5000001');
  const south = await insertApplicant(test.db, '宁波甬江物业服务有限公司', 'MA5000002');
  const north = await insertApplicant(test.db, '嘉兴南湖家电服务有限公司', 'MA5000003');
  // Holds one certificate per scheme and body, as holders do: its pending notices concern that one.
  const east = await insertApplicant(test.db, '舟山东海家电维修有限公司', 'MA5000004');
  const certificate = (number: string, organisationId: number, facts: ReturnType<typeof cycle>, status?: 'suspended' | 'withdrawn') =>
    insertCertificate(test.db, ground, { number, organisationId, status, ...facts });

  // Due 2026-06-01, never audited: the longest overdue.
  ids.overdueLongest = await certificate('TCB-SH-25-000601', west, cycle('2025-06-01', '2028-05-31'));
  // Suspended, and still owing its surveillance.
  ids.overdueSuspended = await certificate('TCB-SH-25-000901', south, cycle('2025-09-01', '2028-08-31'), 'suspended');
  // Due yesterday: overdue from today, 00:00 Beijing time.
  ids.overdueToday = await certificate('TCB-SH-25-001201', south, cycle('2025-12-01', '2028-11-30'));
  // Due today: not overdue yet.
  ids.dueToday = await certificate('TCB-SH-25-001202', east, cycle('2025-12-02', '2028-12-01'));
  ids.audited = await certificate('TCB-SH-25-000301', north, cycle('2025-03-01', '2028-02-29', ['2026-02-20']));
  // Missed a surveillance and then expired: past its end, no longer overdue.
  ids.expired = await certificate('TCB-SH-23-000601', east, cycle('2023-06-01', '2026-05-31', ['2024-05-20']));
  ids.withdrawn = await certificate('TCB-SH-25-000101', west, cycle('2025-01-01', '2027-12-31'), 'withdrawn');

  // The audited certificate's life: its initial notice, decided; a pending surveillance for its holder and scheme.
  ids.initial = await insertListedNotice(test.db, ground, {
    reference: 'GS-LIFE-INITIAL',
    organisationId: north,
    certificateId: ids.audited,
    windowStart: '2025-02-01T01:00:00.000Z',
    windowEnd: '2025-02-10T16:00:00.000Z',
  });
  ids.surveillance = await insertListedNotice(test.db, ground, {
    reference: 'GS-LIFE-SURVEILLANCE',
    kind: 'surveillance',
    organisationId: north,
    windowStart: '2026-11-25T01:00:00.000Z',
    windowEnd: '2026-12-05T16:00:00.000Z',
  });
  // Not of its life: another scheme's surveillance, and an undecided initial application.
  await insertListedNotice(test.db, ground, {
    reference: 'GS-LIFE-OTHER-SCHEME',
    kind: 'surveillance',
    schemeId: property,
    organisationId: north,
    windowStart: '2026-11-26T01:00:00.000Z',
    windowEnd: '2026-12-06T16:00:00.000Z',
  });
  ids.newApplication = await insertListedNotice(test.db, ground, {
    reference: 'GS-LIFE-NEW',
    organisationId: north,
    windowStart: '2026-11-27T01:00:00.000Z',
    windowEnd: '2026-12-07T16:00:00.000Z',
  });
  await insertComment(test.db, ids.initial, {
    kind: 'objection',
    text: '售后网点不足，评价结果存疑。',
    status: 'answered',
    reply: '经复核，网点数量符合要求。',
    published: 1,
    finding: 'not_upheld',
  });
  await insertComment(test.db, ids.initial, {
    kind: 'objection',
    text: '回访记录不完整。',
    status: 'answered',
    reply: '已要求补齐回访记录。',
    published: 1,
    finding: 'upheld',
  });
  await insertComment(test.db, ids.initial, { kind: 'objection', text: '尚在核查的异议。', status: 'under_review' });
  await insertComment(test.db, ids.initial, { kind: 'opinion', text: '建议公开投诉处理时限。', status: 'rejected', reply: '匿名提交，不予受理。' });
  await insertComment(test.db, ids.initial, { kind: 'support', text: '服务一直很好。' });
});
afterAll(async () => {
  await test?.remove();
});

describe('the lookup narrowed to overdue surveillance', () => {
  it('lists the certificates in force whose surveillance is overdue today, the longest overdue first', async () => {
    const result = await lookupOverdueCertificates(test.db, '', 1, TODAY);
    expect(result.items.map((item) => [item.number, item.surveillanceDueOn, item.status])).toEqual([
      ['TCB-SH-25-000601', '2026-06-01', 'valid'],
      ['TCB-SH-25-000901', '2026-09-01', 'suspended'],
      ['TCB-SH-25-001201', '2026-12-01', 'valid'],
    ]);
    expect(result).toMatchObject({ query: '', total: 3, page: 1, pageCount: 1 });
  });

  it('takes in a certificate on the day after its due date, not on the due date itself', async () => {
    const yesterday = await lookupOverdueCertificates(test.db, '', 1, '2026-12-01');
    expect(yesterday.items.map((item) => item.number)).toEqual(['TCB-SH-25-000601', 'TCB-SH-25-000901']);
    const tomorrow = await lookupOverdueCertificates(test.db, '', 1, '2026-12-03');
    expect(tomorrow.items.map((item) => item.number)).toContain('TCB-SH-25-001202');
  });

  it.each([
    ['part of a holder’s name', '甬江', ['TCB-SH-25-000901', 'TCB-SH-25-001201']],
    ['a USCC', SOUTH_USCC, ['TCB-SH-25-000901', 'TCB-SH-25-001201']],
    ['a certificate number, written any way', 'tcb-sh-25 001201', ['TCB-SH-25-001201']],
    ['the number of a certificate that is not overdue', 'TCB-SH-25-000301', []],
    ['a name no overdue holder has', '南湖', []],
    ['one character', '湖', []],
  ])('narrows them further by %s', async (_, query, expected) => {
    const result = await lookupOverdueCertificates(test.db, query, 1, TODAY);
    expect(result.items.map((item) => item.number)).toEqual(expected);
    expect(result.total).toBe(expected.length);
  });

  // SQLite's plans; PostgreSQL's are read by tests/support/query-plans.ts once it speaks both.
  it.runIf(TEST_DIALECT === 'sqlite').each([
    ['every overdue certificate', ''],
    ['by name', '甬江'],
    ['by USCC', SOUTH_USCC],
    ['by number', 'TCB-SH-25-001201'],
  ])('reads %s through indexes, never scanning a table', async (_, query) => {
    await expectNoScans(async (db) => {
      await lookupOverdueCertificates(db, query, 1, TODAY);
      await newestOverdueCertificates(db, TODAY, 50);
      await certificateNotices(db, ids.audited!);
      await certificateOfNotice(db, ids.surveillance!);
      await commentOutcomes(db, ids.initial!);
    });
  });
});

describe('the feed of certificates whose surveillance became overdue', () => {
  it('carries each from the Beijing midnight it became overdue, the most recent first, with a guid of its due date', async () => {
    const feed = await overdueSurveillanceFeed(test.db, SITE_URL, NOW);
    expect(feed.items.map((item) => [item.guid, item.publishedAt])).toEqual([
      [`${SITE_URL}/certificates/TCB-SH-25-001201#surveillance-overdue-2026-12-01`, '2026-12-01T16:00:00.000Z'],
      [`${SITE_URL}/certificates/TCB-SH-25-000901#surveillance-overdue-2026-09-01`, '2026-09-01T16:00:00.000Z'],
      [`${SITE_URL}/certificates/TCB-SH-25-000601#surveillance-overdue-2026-06-01`, '2026-06-01T16:00:00.000Z'],
    ]);
    for (const item of feed.items) expect(Date.parse(item.publishedAt)).toBeLessThanOrEqual(NOW.getTime());
    const parsed = await parseFeed(renderFeed(feed), overdueSurveillanceFeedUrl(SITE_URL));
    expect(parsed.items[0]!.title).toBe('宁波甬江物业服务有限公司 售后服务认证证书年度监督审核逾期（TCB-SH-25-001201）');
    expect(parsed.items[0]!.content).toContain('年度监督审核应于 2026年12月1日 前完成');
  });
});

describe('the life of a certificate', () => {
  it('lists the notices that decided it and those pending for its holder, scheme and body, the newest first, with their counts', async () => {
    const notices = await certificateNotices(test.db, ids.audited!);
    expect(notices.map((notice) => [notice.reference, notice.kind, notice.decision, notice.commentCount, notice.objectionCount])).toEqual([
      ['GS-LIFE-SURVEILLANCE', 'surveillance', 'pending', 0, 0],
      ['GS-LIFE-INITIAL', 'initial', 'certified', 5, 3],
    ]);
  });

  it('links a pending surveillance notice back to the certificate it concerns, and an initial application to none', async () => {
    expect(await certificateOfNotice(test.db, ids.surveillance!)).toEqual({ number: 'TCB-SH-25-000301' });
    expect(await certificateOfNotice(test.db, ids.newApplication!)).toBeNull();
  });
});

describe('how a notice’s comments were handled', () => {
  it('counts them by kind, by how far their handling went, and by what re-checking the objections found', async () => {
    expect(await commentOutcomes(test.db, ids.initial!)).toEqual({
      received: 5,
      byKind: { objection: 3, opinion: 1, support: 1 },
      byStatus: { received: 1, under_review: 1, answered: 2, rejected: 1 },
      objections: { upheld: 1, notUpheld: 1, withoutFinding: 1 },
      published: 2,
    });
    expect(await commentOutcomes(test.db, ids.surveillance!)).toMatchObject({
      received: 0,
      objections: { upheld: 0, notUpheld: 0, withoutFinding: 0 },
    });
  });

  it('refuses a finding on anything but an objection', async () => {
    await expect(insertComment(test.db, ids.surveillance!, { kind: 'opinion', text: '意见不能有核查结论。', finding: 'upheld' })).rejects.toThrow(
      /CHECK|check constraint/,
    );
  });
});

describe('the badge', () => {
  const facts: BadgeFacts = {
    number: 'TCB-SH-25-000301',
    status: 'valid',
    schemeName: '售后服务认证',
    levelName: '五星',
    surveillanceOverdue: false,
    today: TODAY,
  };
  const page = `${SITE_URL}/certificates/TCB-SH-25-000301`;

  it('says the status of the day, and the level only with its scheme’s name', () => {
    const badge = certificateBadge(facts, page);
    expect(badge.label).toBe('服务认证证书 TCB-SH-25-000301：有效（2026年12月2日（北京时间）），售后服务认证 · 五星');
    expect(badge.svg).toContain('>售后服务认证 · 五星</text>');
    expect(badge.svg).toContain(`<a href="${page}"`);
    expect(certificateBadge({ ...facts, status: 'suspended', surveillanceOverdue: true }, page).svg).toContain(
      '>服务认证证书 暂停 · 年度监督审核已逾期</text>',
    );
  });

  it('keeps its size whatever the status or the day, so a copied snippet stays right, and changes its bytes when they change', () => {
    const sizes = [
      certificateBadge(facts, page),
      certificateBadge({ ...facts, status: 'withdrawn', surveillanceOverdue: true }, page),
      certificateBadge({ ...facts, today: '2027-01-01' }, page),
    ];
    expect(new Set(sizes.map((badge) => `${badge.width}x${badge.height}`)).size).toBe(1);
    expect(new Set(sizes.map((badge) => badge.etag)).size).toBe(3);
  });

  it('escapes whatever the registry holds', () => {
    const badge = certificateBadge({ ...facts, schemeName: '<script>alert(1)</script>&"认证"' }, page);
    expect(badge.svg).not.toContain('<script>');
    expect(badge.svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;认证&quot;');
  });

  it('may be cached five minutes, and never past the next Beijing midnight', () => {
    expect(badgeMaxAgeSeconds(new Date('2026-12-02T04:00:00.000Z'))).toBe(300);
    expect(badgeMaxAgeSeconds(new Date('2026-12-02T15:58:00.000Z'))).toBe(120);
    expect(badgeMaxAgeSeconds(new Date('2026-12-02T15:59:59.500Z'))).toBe(0);
  });

  it('comes with a snippet that links to the canonical page and says no date', () => {
    const snippet = badgeSnippet(certificateBadge(facts, page), facts.number, page, `${page}/badge.svg`);
    expect(snippet).toMatch(
      new RegExp(
        `^<a href="${page}" [^>]*><img src="${page}/badge.svg" width="\\d+" height="\\d+" alt="服务认证证书 TCB-SH-25-000301 的当前状态（点击核验）"></a>$`,
      ),
    );
  });
});

/** Runs `work` on a connection that records its queries, and checks that none of their plans scans a table. */
async function expectNoScans(work: (db: PortalDb) => Promise<void>): Promise<void> {
  const executed: CompiledQuery[] = [];
  const connection = new SQLite(test.path, { readonly: true });
  const observed = new Kysely<PortalDatabase>({
    dialect: new SqliteDialect({ database: connection }),
    plugins: [new CamelCasePlugin()],
    log: (event) => {
      if (event.level === 'query') executed.push(event.query);
    },
  });
  try {
    await work(observed);
    expect(executed.length).toBeGreaterThan(4);
    for (const compiled of executed) {
      const plan = connection.prepare(`explain query plan ${compiled.sql}`).all(...(compiled.parameters as unknown[])) as { detail: string }[];
      expect(
        plan.map((step) => step.detail).filter((detail) => /^SCAN /.test(detail)),
        compiled.sql,
      ).toEqual([]);
    }
  } finally {
    await observed.destroy();
  }
}
