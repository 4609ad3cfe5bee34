import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '../../src/lib/ground/errors.ts';
import { certificateFeed } from '../../src/lib/web/feeds/certificates.ts';
import { decisionsFeed } from '../../src/lib/web/feeds/decisions.ts';
import { feedLastModified, type Feed } from '../../src/lib/web/feeds/feed.ts';
import { bodyFeed } from '../../src/lib/web/feeds/body.ts';
import { noticeHistoryFeed } from '../../src/lib/web/feeds/notice.ts';
import { noticesFeed } from '../../src/lib/web/feeds/notices.ts';
import { withoutXmlForbidden } from '../../src/lib/ground/text/xml.ts';
import { feedVersion, renderFeed } from '../../src/lib/web/feeds/render.ts';
import { conditionalResponse } from '../../src/lib/web/http/conditional.ts';
import { parseNoticeFeedQuery } from '../../src/lib/domain/notices/inputs.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { guidsOf, parseFeed, SITE_URL } from '../support/feeds.ts';
import { insertApplicant, insertComment, insertListedNotice, insertScheme } from '../support/notice-fixtures.ts';
import { insertBodyAndScheme, insertCertificate } from '../support/registry-fixtures.ts';

const NOW = new Date('2026-11-26T04:00:00.000Z');
const CERTIFICATE = 'TCB-SH-25-000101';
const NASTY_CERTIFICATE = 'TCB-SH-26-000666';
// Markup, an ampersand, a CDATA end, an emoji and characters XML forbids, as a back office might import them.
const NASTY_NAME = '杭州<script>alert("名")</script>&小店 ]]> 😀\u0001\u000B售后服务有限公司';
const NASTY_SUMMARY = '评价<b>优秀</b> & <script>alert(1)</script> ]]> 😀\u0001\u000B\u001F\uFFFE完毕';
const PRIVATE = {
  submitterName: '隐私测试姓名丁',
  submitterContact: 'private-feed-13600136000@example.cn',
  submitterOrganisation: '隐私测试提交单位丁',
};
const UNPUBLISHED_TEXT = '这条未公开的意见不应出现在订阅中。';

let test: TestDatabase;
const ids: Record<string, number> = {};

beforeAll(async () => {
  test = await createTestDatabase();
  const ground = await insertBodyAndScheme(test.db);
  const restaurant = await insertScheme(test.db, 'restaurant', '餐厅餐饮服务认证');
  const zhejiang = await insertApplicant(test.db, '杭州西子湖畔家电售后服务有限公司', 'MA4000001');
  const guangdong = await insertApplicant(test.db, '深圳南山餐饮管理有限公司', 'MA4000002', '广东省');
  const nasty = await insertApplicant(test.db, NASTY_NAME, 'MA4000003');

  const certificateId = await insertCertificate(test.db, ground, {
    number: CERTIFICATE,
    organisationId: zhejiang,
    events: [
      { kind: 'issued', occurredAt: '2025-03-01T02:00:00.000Z', expiresOn: '2028-02-29' },
      { kind: 'surveillance_passed', occurredAt: '2026-03-02T02:00:00.000Z' },
      { kind: 'suspended', occurredAt: '2026-11-01T02:00:00.000Z' },
      { kind: 'restored', occurredAt: '2026-11-20T02:00:00.000Z' },
      // Recorded ahead of time: not news before it happens.
      { kind: 'withdrawn', occurredAt: '2026-12-01T02:00:00.000Z' },
    ],
  });
  await insertCertificate(test.db, ground, {
    number: NASTY_CERTIFICATE,
    organisationId: nasty,
    events: [{ kind: 'issued', occurredAt: '2026-11-25T06:00:00.000Z', expiresOn: '2029-11-24' }],
  });

  const notices: [string, Omit<Parameters<typeof insertListedNotice>[2], 'reference'>][] = [
    // Published windowStart (the fixtures publish when the window opens); decided at windowEnd when a certificate is given.
    ['DECIDED', { organisationId: zhejiang, windowStart: '2025-01-06T01:00:00.000Z', windowEnd: '2025-01-14T01:00:00.000Z', certificateId }],
    [
      'SURVEILLANCE',
      { organisationId: zhejiang, kind: 'surveillance', windowStart: '2026-11-20T01:00:00.000Z', windowEnd: '2026-12-01T09:00:00.000Z' },
    ],
    ['WITHDRAWN', { organisationId: zhejiang, status: 'withdrawn', windowStart: '2026-11-21T01:00:00.000Z', windowEnd: '2026-12-02T09:00:00.000Z' }],
    [
      'RESTAURANT',
      { organisationId: guangdong, schemeId: restaurant, windowStart: '2026-11-24T01:00:00.000Z', windowEnd: '2026-11-28T09:00:00.000Z' },
    ],
    [
      'NASTY',
      { organisationId: nasty, evaluationSummary: NASTY_SUMMARY, windowStart: '2026-11-25T01:00:00.000Z', windowEnd: '2026-12-03T09:00:00.000Z' },
    ],
    ['REFUSED', { organisationId: guangdong, windowStart: '2026-10-01T01:00:00.000Z', windowEnd: '2026-10-12T09:00:00.000Z' }],
    ['DECIDED-LATER', { organisationId: guangdong, windowStart: '2026-10-02T01:00:00.000Z', windowEnd: '2026-10-13T09:00:00.000Z' }],
    // Published one millisecond after now.
    ['NOT-YET-PUBLISHED', { organisationId: zhejiang, windowStart: '2026-11-26T04:00:00.001Z', windowEnd: '2026-12-08T09:00:00.000Z' }],
  ];
  for (const [reference, fixture] of notices) ids[reference] = await insertListedNotice(test.db, ground, { ...fixture, reference });
  await test.db
    .updateTable('notice')
    .set({ decision: 'refused', decidedAt: '2026-11-15T08:00:00.000Z', updatedAt: '2026-11-15T08:00:00.000Z' })
    .where('id', '=', ids.REFUSED!)
    .execute();
  await test.db
    .updateTable('notice')
    .set({ decision: 'certified', decidedAt: '2026-11-26T04:00:00.001Z' })
    .where('id', '=', ids['DECIDED-LATER']!)
    .execute();

  // Withdrawn between the publications of RESTAURANT and NASTY.
  await test.db
    .updateTable('notice')
    .set({ withdrawnAt: '2026-11-24T12:00:00.000Z', withdrawalReason: '申请方撤回认证申请', updatedAt: '2026-11-24T12:00:00.000Z' })
    .where('id', '=', ids.WITHDRAWN!)
    .execute();
  // Another body's notice: the body filter and the body's feed tell the two apart.
  const other = await test.db
    .insertInto('certificationBody')
    .values({
      code: 'OCB',
      name: '另一认证有限公司',
      approvalNumber: 'CNCA-R-2010-099',
      website: null,
      phone: null,
      address: null,
      updatedAt: '2026-01-01T00:00:00.000Z',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  // Stamped as registered: the database's clock is days after this test's NOW.
  await test.db
    .updateTable('notice')
    .set({ bodyId: other.id, updatedAt: '2026-01-01T00:00:00.000Z' })
    .where('id', '=', ids['DECIDED-LATER']!)
    .execute();

  await insertComment(test.db, ids.SURVEILLANCE!, { ...PRIVATE, text: UNPUBLISHED_TEXT });
  await insertComment(test.db, ids.DECIDED!, {
    ...PRIVATE,
    kind: 'objection',
    text: '公开的异议',
    published: 1,
    status: 'answered',
    reply: '已答复',
    finding: 'not_upheld',
    receivedAt: '2025-01-08T03:04:05.678Z',
    updatedAt: '2025-01-10T06:00:00.000Z',
  });
  await insertComment(test.db, ids.DECIDED!, {
    ...PRIVATE,
    text: '公开但尚未答复的意见',
    published: 1,
    receivedAt: '2025-01-09T03:04:05.678Z',
    updatedAt: '2025-01-09T03:04:05.678Z',
  });
  // Publishing them moved the notice to the database's clock, days after this test's NOW: back to when they were answered.
  await test.db.updateTable('notice').set({ updatedAt: '2025-01-10T06:00:00.000Z' }).where('id', '=', ids.DECIDED!).execute();
});
afterAll(() => test.remove());

const noticeLink = (name: string) => `${SITE_URL}/notices/${ids[name]}`;
const certificateLink = (number: string) => `${SITE_URL}/certificates/${number}`;

async function allFeeds(): Promise<Feed[]> {
  return [
    await noticesFeed(test.db, {}, SITE_URL, NOW),
    await decisionsFeed(test.db, SITE_URL, NOW),
    await certificateFeed(test.db, CERTIFICATE, SITE_URL, NOW),
    await certificateFeed(test.db, NASTY_CERTIFICATE, SITE_URL, NOW),
  ];
}

describe('XML-forbidden characters', () => {
  it('removes C0 controls but tab, newline and carriage return, U+FFFE, U+FFFF and lone surrogates; keeps emoji', () => {
    const forbidden = ['\u0000', '\u0001', '\u0008', '\u000B', '\u000C', '\u000E', '\u001F', '\uFFFE', '\uFFFF', '\uD800', '\uDFFF'];
    for (const character of forbidden) expect(withoutXmlForbidden(`a${character}b`)).toBe('ab');
    expect(withoutXmlForbidden('\t\n\r 服务 😀 \u007F é')).toBe('\t\n\r 服务 😀 \u007F é');
    expect(withoutXmlForbidden('x\uDE00\uD83D')).toBe('x');
  });
});

describe('notices feed', () => {
  it('carries the notices published by now, the most recently published first, each linked to its page', async () => {
    const feed = await noticesFeed(test.db, {}, SITE_URL, NOW);
    expect(feed.items.map((item) => item.link)).toEqual(
      ['NASTY', 'WITHDRAWN', 'RESTAURANT', 'WITHDRAWN', 'SURVEILLANCE', 'DECIDED-LATER', 'REFUSED', 'DECIDED'].map(noticeLink),
    );
    const parsed = await parseFeed(renderFeed(feed), `${SITE_URL}/feeds/notices.xml`);
    expect(parsed.link).toBe(`${SITE_URL}/notices`);
    const surveillance = parsed.items.find((item) => item.link === noticeLink('SURVEILLANCE'))!;
    expect(surveillance.title).toBe('杭州西子湖畔家电售后服务有限公司 售后服务认证监督审核公示');
    expect(surveillance.guid).toBe(noticeLink('SURVEILLANCE'));
    // The body that decides is named, in the text and as a category.
    expect(surveillance.categories).toEqual(['监督审核', '售后服务认证', '浙江省', '测试认证中心']);
    expect(surveillance.contentSnippet).toContain('认证机构：测试认证中心');
    expect(surveillance.isoDate).toBe('2026-11-20T01:00:00.000Z');
    expect(surveillance.contentSnippet).toContain('公示期：2026年11月20日9时（北京时间） 至 2026年12月1日17时（北京时间）');
  });

  it('tells a withdrawal as an item of its own, under a new guid, at the time of the withdrawal; the publication stays as it was', async () => {
    const parsed = await parseFeed(renderFeed(await noticesFeed(test.db, {}, SITE_URL, NOW)), `${SITE_URL}/feeds/notices.xml`);
    const [withdrawal, publication] = parsed.items.filter((item) => item.link === noticeLink('WITHDRAWN'));
    expect(withdrawal!.guid).toBe(`${noticeLink('WITHDRAWN')}#withdrawal`);
    expect(withdrawal!.title).toBe('杭州西子湖畔家电售后服务有限公司 售后服务认证初次认证公示：公示已撤回');
    expect(withdrawal!.isoDate).toBe('2026-11-24T12:00:00.000Z');
    expect(withdrawal!.categories).toEqual(['公示撤回', '初次认证', '售后服务认证', '浙江省', '测试认证中心']);
    expect(withdrawal!.contentSnippet).toContain('测试认证中心已于 2026年11月24日 20:00（北京时间） 撤回该公示');
    expect(withdrawal!.contentSnippet).toContain('申请方撤回认证申请');
    expect(publication!.guid).toBe(noticeLink('WITHDRAWN'));
    expect(publication!.title).toBe('杭州西子湖畔家电售后服务有限公司 售后服务认证初次认证公示');
    expect(publication!.isoDate).toBe('2026-11-21T01:00:00.000Z');
  });

  it('takes the body filter: the notices of one certification body only', async () => {
    const feed = await noticesFeed(test.db, parseNoticeFeedQuery({ body: 'OCB' }), SITE_URL, NOW);
    expect(feed.items.map((item) => item.link)).toEqual([noticeLink('DECIDED-LATER')]);
    expect(feed.title).toBe('服务认证公示：另一认证有限公司');
    expect(feed.selfUrl).toBe(`${SITE_URL}/feeds/notices.xml?body=OCB`);
    expect((await noticesFeed(test.db, parseNoticeFeedQuery({ body: 'NONE' }), SITE_URL, NOW)).items).toEqual([]);
  });

  it('takes the list filters kind, scheme and province, and says them in its title and addresses', async () => {
    const links = async (query: Record<string, string>) =>
      (await noticesFeed(test.db, parseNoticeFeedQuery(query), SITE_URL, NOW)).items.map((item) => item.link);
    expect(await links({ kind: 'surveillance' })).toEqual([noticeLink('SURVEILLANCE')]);
    expect(await links({ scheme: 'restaurant' })).toEqual([noticeLink('RESTAURANT')]);
    expect(await links({ province: '广东省' })).toEqual(['RESTAURANT', 'DECIDED-LATER', 'REFUSED'].map(noticeLink));
    // The list's state, year and page say nothing about new notices: ignored.
    expect(await links({ state: 'open', year: '2025', page: '3', kind: 'surveillance' })).toEqual([noticeLink('SURVEILLANCE')]);

    const feed = await noticesFeed(test.db, parseNoticeFeedQuery({ province: '广东省', scheme: 'restaurant', kind: 'initial' }), SITE_URL, NOW);
    expect(feed.title).toBe('服务认证公示：初次认证 · 餐厅餐饮服务认证 · 广东省');
    const query = 'kind=initial&scheme=restaurant&province=%E5%B9%BF%E4%B8%9C%E7%9C%81';
    expect(feed.selfUrl).toBe(`${SITE_URL}/feeds/notices.xml?${query}`);
    expect(feed.link).toBe(`${SITE_URL}/notices?${query}`);
    await parseFeed(renderFeed(feed), feed.selfUrl);
  });

  it('refuses filters that are not filters with invalid_query', () => {
    const queries: Record<string, string>[] = [{ kind: 'everything' }, { province: '省'.repeat(21) }, { scheme: 'x'.repeat(101) }];
    for (const query of queries) {
      expect(() => parseNoticeFeedQuery(query)).toThrow(DomainError);
    }
  });
});

describe('decisions feed', () => {
  it('carries decisions and the issue, suspension, restoration, withdrawal and cancellation of certificates, none after now', async () => {
    const feed = await decisionsFeed(test.db, SITE_URL, NOW);
    expect(feed.items.map((item) => item.guid)).toEqual([
      expect.stringMatching(new RegExp(`^${certificateLink(NASTY_CERTIFICATE)}#event-\\d+$`)),
      expect.stringMatching(new RegExp(`^${certificateLink(CERTIFICATE)}#event-\\d+$`)),
      `${noticeLink('REFUSED')}#decision`,
      expect.stringMatching(new RegExp(`^${certificateLink(CERTIFICATE)}#event-\\d+$`)),
      expect.stringMatching(new RegExp(`^${certificateLink(CERTIFICATE)}#event-\\d+$`)),
      `${noticeLink('DECIDED')}#decision`,
    ]);
    expect(feed.items.map((item) => item.title)).toEqual([
      `${NASTY_NAME} 售后服务认证证书颁发（${NASTY_CERTIFICATE}）`,
      `杭州西子湖畔家电售后服务有限公司 售后服务认证证书恢复（${CERTIFICATE}）`,
      '深圳南山餐饮管理有限公司 售后服务认证初次认证：不予认证',
      `杭州西子湖畔家电售后服务有限公司 售后服务认证证书暂停（${CERTIFICATE}）`,
      `杭州西子湖畔家电售后服务有限公司 售后服务认证证书颁发（${CERTIFICATE}）`,
      '杭州西子湖畔家电售后服务有限公司 售后服务认证初次认证：予以认证',
    ]);
    for (const item of feed.items) expect(Date.parse(item.publishedAt)).toBeLessThanOrEqual(NOW.getTime());
    const parsed = await parseFeed(renderFeed(feed), `${SITE_URL}/feeds/decisions.xml`);
    const decided = parsed.items.find((item) => item.guid === `${noticeLink('DECIDED')}#decision`)!;
    expect(decided.link).toBe(noticeLink('DECIDED'));
    expect(decided.categories).toEqual(['予以认证', '初次认证', '售后服务认证', '浙江省', '测试认证中心']);
    expect(decided.contentSnippet).toContain('认证机构：测试认证中心');
    expect(decided.contentSnippet).toContain(`证书编号：${CERTIFICATE}`);
  });
});

describe('feed of one notice', () => {
  it('follows it to its end: publication, published comments and answers, decision, and what became of its certificate, none after now', async () => {
    const feed = await noticeHistoryFeed(test.db, String(ids.DECIDED), SITE_URL, NOW);
    const page = noticeLink('DECIDED');
    expect(feed.items.map((item) => item.guid ?? item.link)).toEqual([
      expect.stringMatching(new RegExp(`^${certificateLink(CERTIFICATE)}#event-\\d+$`)),
      expect.stringMatching(new RegExp(`^${certificateLink(CERTIFICATE)}#event-\\d+$`)),
      expect.stringMatching(new RegExp(`^${certificateLink(CERTIFICATE)}#event-\\d+$`)),
      expect.stringMatching(new RegExp(`^${certificateLink(CERTIFICATE)}#event-\\d+$`)),
      `${page}#decision`,
      `${page}#answer-2`,
      expect.stringMatching(new RegExp(`^${page}#comment-3$`)),
      `${page}#comment-2`,
      page,
    ]);
    const parsed = await parseFeed(renderFeed(feed), `${SITE_URL}/feeds/notices/${ids.DECIDED}.xml`);
    expect(parsed.title).toBe('公示跟踪：杭州西子湖畔家电售后服务有限公司 售后服务认证初次认证公示');
    const answer = parsed.items.find((item) => item.guid === `${page}#answer-2`)!;
    expect(answer.title).toBe('杭州西子湖畔家电售后服务有限公司 售后服务认证初次认证公示：认证机构答复异议（异议不成立）');
    expect(answer.contentSnippet).toContain('测试认证中心的答复：已答复');
    // Dated by Beijing day, never by the instant a comment was sent.
    expect(parsed.items.find((item) => item.guid === `${page}#comment-2`)!.isoDate).toBe('2025-01-07T16:00:00.000Z');
    expect(answer.isoDate).toBe('2025-01-09T16:00:00.000Z');
    const xml = renderFeed(feed);
    for (const secret of [...Object.values(PRIVATE), UNPUBLISHED_TEXT, '03:04:05']) expect(xml).not.toContain(secret);
  });

  it('tells a withdrawal, and is notice_not_found for an id that names no notice', async () => {
    const feed = await noticeHistoryFeed(test.db, String(ids.WITHDRAWN), SITE_URL, NOW);
    expect(feed.items.map((item) => item.guid ?? item.link)).toEqual([`${noticeLink('WITHDRAWN')}#withdrawal`, noticeLink('WITHDRAWN')]);
    // Not yet published: nothing to tell.
    expect((await noticeHistoryFeed(test.db, String(ids['NOT-YET-PUBLISHED']), SITE_URL, NOW)).items).toEqual([]);
    await expect(noticeHistoryFeed(test.db, '999999', SITE_URL, NOW)).rejects.toMatchObject({ code: 'notice_not_found' });
    await expect(noticeHistoryFeed(test.db, '12abc', SITE_URL, NOW)).rejects.toMatchObject({ code: 'notice_not_found' });
  });
});

describe('feed of one body', () => {
  it('carries its notices, withdrawals and decisions only, and is body_not_found for an unknown code', async () => {
    const other = await bodyFeed(test.db, 'OCB', SITE_URL, NOW);
    // DECIDED-LATER is decided a millisecond after now: its decision is not yet news.
    expect(other.items.map((item) => item.guid ?? item.link)).toEqual([noticeLink('DECIDED-LATER')]);
    expect(other.title).toBe('认证机构动态：另一认证有限公司');
    await parseFeed(renderFeed(other), `${SITE_URL}/feeds/bodies/OCB.xml`);
    const own = await bodyFeed(test.db, 'TCB', SITE_URL, NOW);
    const guids = own.items.map((item) => item.guid ?? item.link);
    expect(guids).toContain(`${noticeLink('REFUSED')}#decision`);
    expect(guids).toContain(`${noticeLink('WITHDRAWN')}#withdrawal`);
    expect(guids).not.toContain(noticeLink('DECIDED-LATER'));
    await expect(bodyFeed(test.db, 'NONE', SITE_URL, NOW)).rejects.toMatchObject({ kind: 'not_found', code: 'body_not_found' });
  });
});

describe('certificate feed', () => {
  it("carries every event of one certificate that has happened by now, linked to the certificate's page", async () => {
    const feed = await certificateFeed(test.db, CERTIFICATE, SITE_URL, NOW);
    expect(feed.items.map((item) => item.categories[0])).toEqual(['恢复', '暂停', '监督审核通过', '颁发']);
    expect(new Set(feed.items.map((item) => item.link))).toEqual(new Set([certificateLink(CERTIFICATE)]));
    const parsed = await parseFeed(renderFeed(feed), `${SITE_URL}/feeds/certificates/${CERTIFICATE}.xml`);
    expect(parsed.title).toBe(`证书 ${CERTIFICATE}：杭州西子湖畔家电售后服务有限公司 售后服务认证`);
    expect(parsed.items[0]!.contentSnippet).toContain('恢复时间：2026年11月20日 10:00（北京时间）');
  });

  it('gives the same guid to an event in the certificate feed and in the decisions feed', async () => {
    const own = (await certificateFeed(test.db, CERTIFICATE, SITE_URL, NOW)).items.map((item) => item.guid);
    const decisions = (await decisionsFeed(test.db, SITE_URL, NOW)).items.map((item) => item.guid);
    expect(own.filter((guid) => decisions.includes(guid))).toHaveLength(3);
  });

  it('is certificate_not_found for a number no certificate has, and the registered number’s feed for another spelling of it', async () => {
    await expect(certificateFeed(test.db, 'TCB-SH-99-999999', SITE_URL, NOW)).rejects.toMatchObject({
      kind: 'not_found',
      code: 'certificate_not_found',
    });
    expect((await certificateFeed(test.db, CERTIFICATE.toLowerCase(), SITE_URL, NOW)).selfUrl).toBe(
      `${SITE_URL}/feeds/certificates/${CERTIFICATE}.xml`,
    );
  });
});

describe('every feed', () => {
  it('is valid RSS with absolute links and unique guids that are the same on every rendering', async () => {
    const first = await allFeeds();
    const second = await allFeeds();
    for (const [index, feed] of first.entries()) {
      const a = await parseFeed(renderFeed(feed), feed.selfUrl);
      const b = await parseFeed(renderFeed(second[index]!), feed.selfUrl);
      expect(a.items.length).toBeGreaterThan(0);
      expect(guidsOf(b)).toEqual(guidsOf(a));
      expect(feedVersion(second[index]!)).toBe(feedVersion(feed));
    }
  });

  it('keeps markup, ampersands, CDATA ends and emoji as text and drops what XML forbids', async () => {
    const cleanName = '杭州<script>alert("名")</script>&小店 ]]> 😀售后服务有限公司';
    const cleanSummary = '评价<b>优秀</b> & <script>alert(1)</script> ]]> 😀完毕';
    const feeds = [
      await noticesFeed(test.db, {}, SITE_URL, NOW),
      await decisionsFeed(test.db, SITE_URL, NOW),
      await certificateFeed(test.db, NASTY_CERTIFICATE, SITE_URL, NOW),
    ];
    const [notices, decisions, certificate] = await Promise.all(feeds.map((feed) => parseFeed(renderFeed(feed), feed.selfUrl)));
    const nastyItems = [notices!.items[0]!, decisions!.items[0]!, certificate!.items[0]!];
    expect(nastyItems.map((item) => item.title)).toEqual([
      `${cleanName} 售后服务认证初次认证公示`,
      `${cleanName} 售后服务认证证书颁发（${NASTY_CERTIFICATE}）`,
      `${cleanName} 售后服务认证证书颁发（${NASTY_CERTIFICATE}）`,
    ]);
    expect(certificate!.title).toBe(`证书 ${NASTY_CERTIFICATE}：${cleanName} 售后服务认证`);
    for (const item of nastyItems) {
      // A reader renders the description as HTML: the data's markup arrives escaped, never as elements.
      expect(item.content).not.toMatch(/<script|<b>/);
      expect(item.content).toContain('&lt;script&gt;');
      expect(item.contentSnippet).toContain(cleanName);
    }
    expect(nastyItems[0]!.contentSnippet).toContain(`评价结论摘要：${cleanSummary}`);
  });

  it('holds no private comment data and selects none', async () => {
    for (const feed of await allFeeds()) {
      const xml = renderFeed(feed);
      for (const secret of [...Object.values(PRIVATE), UNPUBLISHED_TEXT, 'not-a-real-hash']) expect(xml).not.toContain(secret);
    }
    const folder = join(import.meta.dirname, '../../src/lib/web/feeds');
    for (const file of readdirSync(folder)) {
      expect(readFileSync(join(folder, file), 'utf8')).not.toMatch(/submitter|clientHash|client_hash|selectFrom\('comment'\)/);
    }
  });

  it('is last modified when its newest item was published or changed', async () => {
    const feed = await noticesFeed(test.db, {}, SITE_URL, NOW);
    expect(feedLastModified(feed)?.toISOString()).toBe('2026-11-25T01:00:00.000Z');
    const refused = await decisionsFeed(test.db, SITE_URL, NOW);
    expect(feedLastModified({ ...refused, items: refused.items.filter((item) => item.guid?.endsWith('#decision')) })?.toISOString()).toBe(
      '2026-11-15T08:00:00.000Z',
    );
    expect(feedLastModified({ ...feed, items: [] })).toBeNull();
    expect(feedLastModified({ ...feed, items: [{ ...feed.items[0]!, updatedAt: '2026-11-26T01:00:00.000Z' }] })?.toISOString()).toBe(
      '2026-11-26T01:00:00.000Z',
    );
  });

  it('changes its version when its content changes', async () => {
    const feed = await noticesFeed(test.db, {}, SITE_URL, NOW);
    expect(feedVersion(feed)).toMatch(/^W\/"[\w-]+"$/);
    expect(feedVersion({ ...feed, items: feed.items.slice(1) })).not.toBe(feedVersion(feed));
    expect(feedVersion({ ...feed, selfUrl: `${feed.selfUrl}?kind=initial` })).not.toBe(feedVersion(feed));
  });
});

describe('conditional GET', () => {
  const representation = {
    body: '<rss/>',
    contentType: 'application/rss+xml; charset=utf-8',
    etag: 'W/"v1"',
    lastModified: new Date('2026-11-25T01:00:00.400Z'),
    cacheControl: 'public, max-age=900',
  };
  const answer = (headers: Record<string, string>) =>
    conditionalResponse(new Request('https://cert.example.cn/feeds/x.xml', { headers }), representation);

  it('answers 200 with ETag, Last-Modified and Cache-Control', async () => {
    const response = answer({});
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('<rss/>');
    expect(response.headers.get('etag')).toBe('W/"v1"');
    expect(response.headers.get('last-modified')).toBe('Wed, 25 Nov 2026 01:00:00 GMT');
    expect(response.headers.get('cache-control')).toBe('public, max-age=900');
    expect(response.headers.get('content-type')).toBe('application/rss+xml; charset=utf-8');
  });

  it('answers 304 without a body when If-None-Match names the version, weak or strong, or is *', async () => {
    for (const tag of ['W/"v1"', '"v1"', '"v0", W/"v1"', '*']) {
      const response = answer({ 'if-none-match': tag });
      expect(response.status, tag).toBe(304);
      expect(await response.text()).toBe('');
      expect(response.headers.get('etag')).toBe('W/"v1"');
      expect(response.headers.get('cache-control')).toBe('public, max-age=900');
    }
    expect(answer({ 'if-none-match': '"v0"' }).status).toBe(200);
  });

  it('answers 304 when If-Modified-Since is not older than Last-Modified, and lets If-None-Match decide when both are sent', () => {
    expect(answer({ 'if-modified-since': 'Wed, 25 Nov 2026 01:00:00 GMT' }).status).toBe(304);
    expect(answer({ 'if-modified-since': 'Thu, 26 Nov 2026 00:00:00 GMT' }).status).toBe(304);
    expect(answer({ 'if-modified-since': 'Wed, 25 Nov 2026 00:59:59 GMT' }).status).toBe(200);
    expect(answer({ 'if-modified-since': 'yesterday' }).status).toBe(200);
    expect(answer({ 'if-none-match': '"v0"', 'if-modified-since': 'Thu, 26 Nov 2026 00:00:00 GMT' }).status).toBe(200);
    expect(
      conditionalResponse(new Request('https://cert.example.cn/', { headers: { 'if-modified-since': 'Thu, 26 Nov 2026 00:00:00 GMT' } }), {
        ...representation,
        lastModified: null,
      }).status,
    ).toBe(200);
  });
});
