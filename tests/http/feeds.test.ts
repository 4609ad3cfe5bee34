import { describe, expect, it } from 'vitest';
import { addDays, beijingDate } from '../../src/lib/ground/time/beijing.ts';
import { guidsOf, parseFeed, SITE_URL } from '../support/feeds.ts';
import { insertApplicant, insertComment, insertListedNotice, insertScheme } from '../support/notice-fixtures.ts';
import { insertBodyAndScheme, insertCertificate } from '../support/registry-fixtures.ts';
import { whenSearchIsReady, usePortal } from '../support/server.ts';

// The served portal uses the real clock, so everything is placed around the real now.
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const at = (offset: number) => new Date(Date.now() + offset).toISOString();
const today = beijingDate(new Date());

const CERTIFICATE = 'TCB-SH-26-000888';
const NASTY_CERTIFICATE = 'TCB-SH-26-000999';
const NASTY_NAME = '温州<script>alert("x")</script>&兄弟 ]]> 😀\u0001\u000B电器维修有限公司';
const CLEAN_NAME = '温州<script>alert("x")</script>&兄弟 ]]> 😀电器维修有限公司';
const NASTY_SUMMARY = '现场评价 <img src=x onerror=alert(1)> & 得分 96 😀\u0001\u000B 分。';
const CLEAN_SUMMARY = '现场评价 <img src=x onerror=alert(1)> & 得分 96 😀 分。';
const PRIVATE = {
  submitterName: '隐私测试姓名戊',
  submitterContact: 'private-feed-http-13500135000@example.cn',
  submitterOrganisation: '隐私测试提交单位戊',
};
const UNPUBLISHED_TEXT = '未公开的意见，订阅中不应出现。';

const ids: Record<string, number> = {};

const portal = usePortal(async (test) => {
  const ground = await insertBodyAndScheme(test.db);
  const restaurant = await insertScheme(test.db, 'restaurant', '餐厅餐饮服务认证');
  const holder = await insertApplicant(test.db, '杭州西子湖畔家电售后服务有限公司', 'MA5000001');
  const guangdong = await insertApplicant(test.db, '广州珠江餐饮管理有限公司', 'MA5000002', '广东省');
  const nasty = await insertApplicant(test.db, NASTY_NAME, 'MA5000003');
  const certificateId = await insertCertificate(test.db, ground, {
    number: CERTIFICATE,
    organisationId: holder,
    issuedOn: addDays(today, -30),
    expiresOn: addDays(today, 1000),
    events: [
      { kind: 'issued', occurredAt: at(-30 * DAY), expiresOn: addDays(today, 1000) },
      { kind: 'surveillance_passed', occurredAt: at(-10 * DAY) },
      { kind: 'suspended', occurredAt: at(-3 * DAY) },
      // Recorded ahead of time: in no feed before it happens.
      { kind: 'withdrawn', occurredAt: at(3 * DAY) },
    ],
  });
  await insertCertificate(test.db, ground, {
    number: NASTY_CERTIFICATE,
    organisationId: nasty,
    events: [{ kind: 'issued', occurredAt: at(-1 * DAY), expiresOn: addDays(today, 1000) }],
  });
  ids.decided = await insertListedNotice(test.db, ground, {
    reference: 'GS-FEED-DECIDED',
    organisationId: holder,
    certificateId,
    windowStart: at(-45 * DAY),
    windowEnd: at(-35 * DAY),
  });
  ids.open = await insertListedNotice(test.db, ground, {
    reference: 'GS-FEED-OPEN',
    organisationId: holder,
    kind: 'surveillance',
    windowStart: at(-2 * DAY),
    windowEnd: at(5 * DAY),
  });
  ids.restaurant = await insertListedNotice(test.db, ground, {
    reference: 'GS-FEED-RESTAURANT',
    organisationId: guangdong,
    schemeId: restaurant,
    windowStart: at(-4 * DAY),
    windowEnd: at(4 * DAY),
  });
  ids.nasty = await insertListedNotice(test.db, ground, {
    reference: 'GS-FEED-NASTY',
    organisationId: nasty,
    evaluationSummary: NASTY_SUMMARY,
    windowStart: at(-HOUR),
    windowEnd: at(7 * DAY),
  });
  ids.upcoming = await insertListedNotice(test.db, ground, {
    reference: 'GS-FEED-UPCOMING',
    organisationId: holder,
    windowStart: at(2 * DAY),
    windowEnd: at(9 * DAY),
  });
  await insertComment(test.db, ids.open, { ...PRIVATE, text: UNPUBLISHED_TEXT, receivedAt: at(-DAY) });
  await insertComment(test.db, ids.decided, {
    ...PRIVATE,
    kind: 'objection',
    text: '公开的异议内容',
    published: 1,
    status: 'answered',
    reply: '已答复',
    receivedAt: at(-40 * DAY),
  });
  // Its answer published when it was decided (publishing moved the notice's updatedAt to now).
  await test.db
    .updateTable('notice')
    .set({ updatedAt: at(-35 * DAY) })
    .where('id', '=', ids.decided)
    .execute();
});

const FEEDS = {
  notices: '/feeds/notices.xml',
  decisions: '/feeds/decisions.xml',
  certificate: `/feeds/certificates/${CERTIFICATE}.xml`,
  nastyCertificate: `/feeds/certificates/${NASTY_CERTIFICATE}.xml`,
};
const noticeLink = (id: number) => `${SITE_URL}/notices/${id}`;

async function fetchFeed(path: string) {
  const response = await portal.get(path);
  expect(response.status, path).toBe(200);
  return { response, feed: await parseFeed(await response.text(), `${SITE_URL}${path}`) };
}

describe('feeds over HTTP', () => {
  it('serve valid RSS 2.0 with absolute links under SITE_URL, ETag, Last-Modified and a Cache-Control of their own', async () => {
    const maxAge: Record<string, number> = {};
    for (const [name, path] of Object.entries(FEEDS)) {
      const { response, feed } = await fetchFeed(path);
      expect(response.headers.get('content-type')).toBe('application/rss+xml; charset=utf-8');
      expect(response.headers.get('etag')).toMatch(/^W\/"[\w-]+"$/);
      const lastModified = response.headers.get('last-modified')!;
      expect(Date.parse(lastModified)).toBeLessThanOrEqual(Date.now());
      // Last-Modified is the newest item's time.
      expect(Date.parse(lastModified)).toBe(Math.floor(Date.parse(feed.items[0]!.isoDate!) / 1000) * 1000);
      const cacheControl = /^public, max-age=(\d+)$/.exec(response.headers.get('cache-control') ?? '');
      expect(cacheControl, name).not.toBeNull();
      maxAge[name] = Number(cacheControl![1]);
      expect(Number(feed.ttl) * 60).toBe(maxAge[name]);
      expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    }
    // One certificate changes rarely: it is kept longer than the news feeds.
    expect(maxAge.certificate).toBeGreaterThan(maxAge.decisions!);
  });

  it('give every item a guid that is unique in its feed and the same on every fetch', async () => {
    for (const path of Object.values(FEEDS)) {
      const first = guidsOf((await fetchFeed(path)).feed);
      const second = guidsOf((await fetchFeed(path)).feed);
      expect(first.length).toBeGreaterThan(0);
      expect(second).toEqual(first);
    }
  });

  it('carry the published notices, newest first, filtered by kind, scheme and province like the list', async () => {
    const links = async (path: string) => (await fetchFeed(path)).feed.items.map((item) => item.link);
    expect(await links(FEEDS.notices)).toEqual([ids.nasty, ids.open, ids.restaurant, ids.decided].map((id) => noticeLink(id!)));
    expect(await links('/feeds/notices.xml?kind=surveillance')).toEqual([noticeLink(ids.open!)]);
    expect(await links('/feeds/notices.xml?scheme=restaurant')).toEqual([noticeLink(ids.restaurant!)]);
    expect(await links(`/feeds/notices.xml?province=${encodeURIComponent('广东省')}`)).toEqual([noticeLink(ids.restaurant!)]);
    expect(await links('/feeds/notices.xml?kind=initial&scheme=after-sales&province=%E6%B5%99%E6%B1%9F%E7%9C%81')).toEqual(
      [ids.nasty, ids.decided].map((id) => noticeLink(id!)),
    );
  });

  it('carry decisions and suspensions but no surveillance and nothing that has not happened yet', async () => {
    const { feed } = await fetchFeed(FEEDS.decisions);
    expect(feed.items.map((item) => item.categories![0])).toEqual(['颁发', '暂停', '颁发', '予以认证']);
    expect(feed.items.map((item) => item.link)).toEqual([
      `${SITE_URL}/certificates/${NASTY_CERTIFICATE}`,
      `${SITE_URL}/certificates/${CERTIFICATE}`,
      `${SITE_URL}/certificates/${CERTIFICATE}`,
      noticeLink(ids.decided!),
    ]);
    const certificate = (await fetchFeed(FEEDS.certificate)).feed;
    expect(certificate.items.map((item) => item.categories![0])).toEqual(['暂停', '监督审核通过', '颁发']);
    for (const item of [...feed.items, ...certificate.items]) expect(Date.parse(item.isoDate!)).toBeLessThanOrEqual(Date.now());
  });

  it('keep markup, & and emoji in the data as text, drop control characters, and stay well-formed', async () => {
    const notices = (await fetchFeed(FEEDS.notices)).feed;
    const nasty = notices.items[0]!;
    expect(nasty.title).toBe(`${CLEAN_NAME} 售后服务认证初次认证公示`);
    expect(nasty.content).not.toMatch(/<script|<img/);
    expect(nasty.contentSnippet).toContain(CLEAN_NAME);
    expect(nasty.contentSnippet).toContain(CLEAN_SUMMARY);
    const certificate = (await fetchFeed(FEEDS.nastyCertificate)).feed;
    expect(certificate.title).toBe(`证书 ${NASTY_CERTIFICATE}：${CLEAN_NAME} 售后服务认证`);
    expect(certificate.items[0]!.title).toBe(`${CLEAN_NAME} 售后服务认证证书颁发（${NASTY_CERTIFICATE}）`);
  });

  it('hold no private comment data', async () => {
    for (const path of Object.values(FEEDS)) {
      const xml = await portal.getText(path);
      for (const secret of [...Object.values(PRIVATE), UNPUBLISHED_TEXT]) expect(xml, path).not.toContain(secret);
    }
    expect(portal.output()).not.toContain(PRIVATE.submitterContact);
  });
});

describe('conditional GET', () => {
  it('answers 304 with no body to a matching If-None-Match, and 200 to another', async () => {
    for (const path of Object.values(FEEDS)) {
      const first = await portal.get(path);
      const etag = first.headers.get('etag')!;
      const again = await portal.get(path, { headers: { 'if-none-match': etag } });
      expect(again.status, path).toBe(304);
      expect(await again.text()).toBe('');
      expect(again.headers.get('etag')).toBe(etag);
      expect(again.headers.get('cache-control')).toBe(first.headers.get('cache-control'));
      expect((await portal.get(path, { headers: { 'if-none-match': '"something-else"' } })).status).toBe(200);
    }
  });

  it('answers 304 to If-Modified-Since not older than Last-Modified, 200 to an older one, and lets If-None-Match decide when both are sent', async () => {
    for (const path of Object.values(FEEDS)) {
      const lastModified = (await portal.get(path)).headers.get('last-modified')!;
      const earlier = new Date(Date.parse(lastModified) - 1000).toUTCString();
      expect((await portal.get(path, { headers: { 'if-modified-since': lastModified } })).status, path).toBe(304);
      expect((await portal.get(path, { headers: { 'if-modified-since': new Date().toUTCString() } })).status).toBe(304);
      expect((await portal.get(path, { headers: { 'if-modified-since': earlier } })).status).toBe(200);
      expect((await portal.get(path, { headers: { 'if-modified-since': lastModified, 'if-none-match': '"stale"' } })).status).toBe(200);
    }
  });

  it('gives a filtered feed a version of its own', async () => {
    const all = (await portal.get(FEEDS.notices)).headers.get('etag');
    const filtered = (await portal.get('/feeds/notices.xml?kind=surveillance')).headers.get('etag');
    expect(filtered).not.toBe(all);
    expect((await portal.get('/feeds/notices.xml?kind=surveillance', { headers: { 'if-none-match': all! } })).status).toBe(200);
  });
});

describe('bad feed requests', () => {
  it('answer 400 with a clear message for a filter that is not one', async () => {
    for (const query of ['kind=everything', `province=${'省'.repeat(21)}`, `scheme=${'x'.repeat(101)}`]) {
      const response = await portal.get(`/feeds/notices.xml?${encodeURI(query)}`);
      expect(response.status, query).toBe(400);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('invalid_query');
      expect(body.error.message).toMatch(/^(kind|province|scheme): /);
    }
  });

  it('answer 404 for a certificate number that is not registered', async () => {
    const response = await portal.get('/feeds/certificates/TCB-SH-99-000000.xml');
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('certificate_not_found');
  });
});

describe('pages announce their feed', () => {
  /** The alternate link in the head and the visible subscribe link with the address to copy. */
  async function expectFeedOn(path: string, feedUrl: string): Promise<void> {
    const html = await portal.getText(path);
    const head = html.slice(0, html.indexOf('</head>'));
    const alternates = [...head.matchAll(/<link rel="alternate" type="application\/rss\+xml" title="[^"]+" href="([^"]+)">/g)];
    expect(
      alternates.map((match) => match[1]!.replaceAll('&amp;', '&')),
      path,
    ).toEqual([feedUrl]);
    const body = html.slice(html.indexOf('<main'));
    expect(body).toMatch(/<p class="subscribe[^"]*"/);
    expect(body.replaceAll('&amp;', '&')).toContain(`<code class="feed-address"`);
    expect(body.replaceAll('&amp;', '&')).toContain(`>${feedUrl}</code>`);
  }

  it('on the notice list, with the same filters', async () => {
    await expectFeedOn('/notices', `${SITE_URL}/feeds/notices.xml`);
    await expectFeedOn(
      '/notices?state=open&province=%E5%B9%BF%E4%B8%9C%E7%9C%81&kind=initial&year=2026',
      `${SITE_URL}/feeds/notices.xml?kind=initial&province=%E5%B9%BF%E4%B8%9C%E7%9C%81`,
    );
  });

  it('on a notice, a certificate and the certificate lookup', async () => {
    // A notice announces its own feed, to follow it to its end.
    await expectFeedOn(`/notices/${ids.open}`, `${SITE_URL}/feeds/notices/${ids.open}.xml`);
    await expectFeedOn(`/en/notices/${ids.open}`, `${SITE_URL}/feeds/notices/${ids.open}.xml`);
    await expectFeedOn(`/certificates/${CERTIFICATE}`, `${SITE_URL}/feeds/certificates/${CERTIFICATE}.xml`);
    await expectFeedOn('/certificates?q=%E6%9D%AD%E5%B7%9E', `${SITE_URL}/feeds/decisions.xml`);
  });

  it('/feeds lists and explains every feed, and the footer links it', async () => {
    const response = await portal.get('/feeds');
    expect(response.status).toBe(200);
    const html = await response.text();
    for (const address of [`${SITE_URL}/feeds/notices.xml`, `${SITE_URL}/feeds/decisions.xml`, `${SITE_URL}/feeds/certificates/{证书编号}.xml`]) {
      expect(html).toContain(address);
    }
    expect(html).toContain('restaurant 餐厅餐饮服务认证');
    expect(await portal.getText('/')).toContain('<a href="/feeds">');
  });

  it('/feeds lists the search, notice and body feeds too, with percent-encoded addresses that work as copied', async () => {
    await whenSearchIsReady(portal.baseUrl);
    for (const [path, words] of [
      ['/feeds', ['任意搜索', '单条公示的全过程', '认证机构']],
      ['/en/feeds', ['Any search', 'One notice to its end', 'Certification bodies']],
    ] as const) {
      const html = (await portal.getText(path)).replaceAll('&amp;', '&');
      for (const word of words) expect(html, path).toContain(word);
      expect(html).toContain(`${SITE_URL}/feeds/notices/{`);
      expect(html).toContain(`${SITE_URL}/feeds/bodies/{`);
      const copyable = [...html.matchAll(/<code class="feed-address"[^>]*>([^<{]+)<\/code>/g)].map((match) => match[1]!);
      expect(copyable).toContain(`${SITE_URL}/feeds/notices.xml?province=%E6%B5%99%E6%B1%9F%E7%9C%81`);
      expect(copyable.some((address) => address.startsWith(`${SITE_URL}/feeds/search.xml?q=%`))).toBe(true);
      // Every address to copy is plain ASCII and answers with a feed.
      for (const address of copyable) {
        expect(address, address).toMatch(/^[\x21-\x7e]+$/);
        const local = address.slice(SITE_URL.length);
        expect((await portal.get(local)).status, local).toBe(200);
      }
    }
  });
});

describe('feeds that tell everything', () => {
  it('serve the feed of one notice and of one body, and answer 404 in the API shape for unknown ones', async () => {
    const notice = (await fetchFeed(`/feeds/notices/${ids.decided}.xml`)).feed;
    const guids = guidsOf(notice);
    expect(guids).toContain(noticeLink(ids.decided!));
    expect(guids).toContain(`${noticeLink(ids.decided!)}#decision`);
    expect(guids.some((guid) => /#answer-\d+$/.test(guid))).toBe(true);
    const xml = await portal.getText(`/feeds/notices/${ids.decided}.xml`);
    for (const secret of Object.values(PRIVATE)) expect(xml).not.toContain(secret);
    const body = (await fetchFeed('/feeds/bodies/TCB.xml')).feed;
    expect(body.title).toBe('认证机构动态：测试认证中心');
    expect(body.items.map((item) => item.link)).toContain(noticeLink(ids.restaurant!));
    for (const [path, code] of [
      ['/feeds/notices/999999.xml', 'notice_not_found'],
      ['/feeds/bodies/NOPE.xml', 'body_not_found'],
    ]) {
      const response = await portal.get(path!);
      expect(response.status, path).toBe(404);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(code);
    }
  });

  it('tell a later withdrawal as a new item, keeping every item a reader already has', async () => {
    const before = guidsOf((await fetchFeed(FEEDS.notices)).feed);
    const withdrawnAt = new Date(Date.now() - 1000).toISOString();
    await portal.test.db.updateTable('notice').set({ status: 'withdrawn', updatedAt: withdrawnAt }).where('id', '=', ids.restaurant!).execute();
    try {
      const { feed } = await fetchFeed(FEEDS.notices);
      const after = guidsOf(feed);
      expect(after[0]).toBe(`${noticeLink(ids.restaurant!)}#withdrawal`);
      expect(after.slice(1)).toEqual(before);
      expect(feed.items[0]!.title).toMatch(/：公示已撤回$/);
      expect(guidsOf((await fetchFeed(`/feeds/notices/${ids.restaurant}.xml`)).feed)[0]).toBe(`${noticeLink(ids.restaurant!)}#withdrawal`);
    } finally {
      await portal.test.db.updateTable('notice').set({ status: 'published' }).where('id', '=', ids.restaurant!).execute();
    }
  });
});
