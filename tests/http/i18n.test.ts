import { describe, expect, it } from 'vitest';
import { addDays, beijingDate, formatBeijingDate, formatBeijingDateTime, formatWindowTime } from '../../src/lib/ground/time/beijing.ts';
import { insertApplicant, insertComment, insertListedNotice } from '../support/notice-fixtures.ts';
import { insertBodyAndScheme, insertCertificate } from '../support/registry-fixtures.ts';
import { commentForm, SITE_URL, usePortal } from '../support/server.ts';

// The served portal uses the real clock, so the fixtures are placed around the real now.
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const at = (offset: number) => new Date(Date.now() + offset).toISOString();
const today = beijingDate(new Date());

const NUMBER = 'TCB-SH-24-000001';
const HOLDER = '杭州西子湖畔家电售后服务有限公司';
const ISSUED = `${addDays(today, -400)}T02:00:00.000Z`;
const SUSPENDED_DAY = addDays(today, -70);
const EXPIRES = addDays(today, 600);
const OPEN = { windowStart: at(-2 * DAY), windowEnd: at(5 * DAY + HOUR) };
const UPCOMING = { windowStart: at(3 * DAY), windowEnd: at(10 * DAY) };
const CLOSED = { windowStart: at(-20 * DAY), windowEnd: at(-12 * DAY) };
const REPLY = '经现场复核，已要求整改。';

const ids = { open: 0, upcoming: 0, closed: 0 };

const portal = usePortal(
  async (test) => {
    const ground = await insertBodyAndScheme(test.db);
    const holder = await insertApplicant(test.db, HOLDER, 'MA3000001');
    const certificateId = await insertCertificate(test.db, ground, {
      number: NUMBER,
      organisationId: holder,
      issuedOn: addDays(today, -400),
      expiresOn: EXPIRES,
      events: [
        { kind: 'issued', occurredAt: ISSUED, expiresOn: EXPIRES },
        { kind: 'suspended', occurredAt: `${addDays(today, -100)}T02:00:00.000Z` },
        { kind: 'restored', occurredAt: `${addDays(today, -50)}T02:00:00.000Z` },
      ],
    });
    await insertCertificate(test.db, ground, { number: 'TCB-SH-20-000009', organisationId: holder, expiresOn: addDays(today, -1) });
    ids.open = await insertListedNotice(test.db, ground, { reference: 'GS-I18N-OPEN', organisationId: holder, kind: 'surveillance', ...OPEN });
    ids.upcoming = await insertListedNotice(test.db, ground, { reference: 'GS-I18N-UPCOMING', organisationId: holder, ...UPCOMING });
    ids.closed = await insertListedNotice(test.db, ground, { reference: 'GS-I18N-CLOSED', organisationId: holder, certificateId, ...CLOSED });
    await insertComment(test.db, ids.closed, {
      kind: 'objection',
      text: '门店售后电话多次无人接听。',
      status: 'answered',
      reply: REPLY,
      published: 1,
      receivedAt: at(-15 * DAY),
    });
  },
  { TRUST_PROXY: '1' },
  { searchReady: true },
);

/** A comment form as an English-speaking visitor fills it in. */
const englishForm = (overrides: Record<string, string> = {}) =>
  commentForm({ text: 'The after-sales hotline of this company is never answered.', name: 'Li Lei', ...overrides });

/** Attribute values as written in the page, entities decoded. */
function attributes(html: string, pattern: RegExp): string[] {
  return [...html.matchAll(pattern)].map((match) => match[1]!.replaceAll('&#38;', '&').replaceAll('&amp;', '&'));
}

const ENGLISH_DATE_TIME = /\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} \(Beijing time\)/;

describe('every page has an English twin under /en', () => {
  it.each([
    ['/en', 200, 'Is this certificate real? Is it valid today?'],
    ['/en/', 200, 'Open for comments now (1)'],
    ['/en/certificates', 200, 'Check a certificate'],
    [`/en/certificates?q=${encodeURIComponent('湖畔')}`, 200, 'certificates by organisation name'],
    [`/en/certificates/${NUMBER}`, 200, 'Certificate details'],
    [`/en/certificates/${NUMBER}?on=${SUSPENDED_DAY}`, 200, 'at the end of the day, Beijing time'],
    ['/en/certificates/TCB-SH-24-000007', 404, 'The certificate is forged'],
    ['/en/notices', 200, 'Public notices'],
    ['/en/notices?state=upcoming', 200, 'Opens '],
    ['/en/notices/999999', 404, 'Notice not found'],
    ['/en/comments', 200, 'Check the status of a comment'],
    ['/en/comments/7K3MQ-9QX2A-BC4EF', 404, 'Comment not found'],
    [`/en/search?q=${encodeURIComponent('西子湖畔')}`, 200, 'Search for “西子湖畔”'],
    ['/en/feeds', 200, 'One certificate’s history'],
    ['/en/no-such-page', 404, 'Page not found'],
  ])('%s answers %i in English', async (path, status, text) => {
    const response = await portal.get(path, { redirect: 'manual' });
    expect(response.status).toBe(status);
    const html = await response.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain(text);
    // The layout speaks English too: not one of its Chinese words.
    for (const chinese of ['跳到正文', '证书查询', '所有时间均为北京时间']) expect(html).not.toContain(chinese);
  });

  it('keeps the Chinese pages at their addresses, in Chinese', async () => {
    const response = await portal.get(`/certificates/${NUMBER}`, { redirect: 'manual' });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('证书信息');
    // The address printed as a QR code does not change.
    expect(html).toContain(`<link rel="canonical" href="${SITE_URL}/certificates/${NUMBER}">`);
  });

  it('leaves the JSON API and the feeds where they are, and gives no English copy of them', async () => {
    expect((await portal.get('/api/v1/notices', { redirect: 'manual' })).status).toBe(200);
    expect((await portal.get('/feeds/notices.xml', { redirect: 'manual' })).headers.get('content-type')).toContain('xml');
    expect((await portal.get('/en/api/v1/notices', { redirect: 'manual' })).status).toBe(404);
    expect((await portal.get('/en/feeds/notices.xml', { redirect: 'manual' })).status).toBe(404);
  });

  it('knows no other language prefix', async () => {
    const response = await portal.get('/fr/notices', { redirect: 'manual' });
    expect(response.status).toBe(404);
    expect(await response.text()).toContain('页面不存在');
  });
});

describe('dates and times in English', () => {
  it('are Beijing time in the English form, with the zone said', async () => {
    const certificate = await portal.getText(`/en/certificates/${NUMBER}`);
    expect(certificate).toContain(`valid until ${formatBeijingDate(EXPIRES, 'en')}`);
    expect(certificate).toMatch(/Checked \d{1,2} \w{3} \d{4}, \d{2}:\d{2} \(Beijing time\)/);
    expect(certificate).toContain(`${formatBeijingDate(EXPIRES, 'en')} (inclusive)`);
    expect(certificate).toContain(formatBeijingDateTime(ISSUED, 'en'));
    expect(certificate).not.toContain('北京时间');

    const notice = await portal.getText(`/en/notices/${ids.open}`);
    expect(notice).toContain(formatBeijingDateTime(OPEN.windowStart, 'en'));
    expect(notice).toContain(formatBeijingDateTime(OPEN.windowEnd, 'en'));
    expect(notice).toMatch(ENGLISH_DATE_TIME);
    expect(notice).toContain(`Open for objections and comments until ${formatWindowTime(OPEN.windowEnd, 'end', 'en')}.`);
    expect(notice).toMatch(/ 5 days \d+ hours? left\./);
    expect(notice).not.toContain('北京时间');
  });

  it('say when an upcoming notice opens', async () => {
    const html = await portal.getText(`/en/notices/${ids.upcoming}`);
    expect(html).toContain(
      `The notice period starts ${formatWindowTime(UPCOMING.windowStart, 'start', 'en')}; objections and comments can then be sent on this page.`,
    );
  });

  it('answer "was it valid on that day?" with English labels', async () => {
    const html = await portal.getText(`/en/certificates/${NUMBER}?on=${SUSPENDED_DAY}`);
    expect(html).toContain(`${formatBeijingDate(SUSPENDED_DAY, 'en')} (at the end of the day, Beijing time)`);
    expect(html).toMatch(/status-suspended">Suspended/);
  });
});

describe('the language switch', () => {
  const switchOf = (html: string) => attributes(html, /<a class="language-switch" href="([^"]*)"/g);
  const alternatesOf = (html: string) => attributes(html, /<link rel="alternate" hreflang="[^"]+" href="([^"]*)"/g);

  it('leads from an English page to the same Chinese page, query kept', async () => {
    const query = `?q=${encodeURIComponent('湖畔')}&page=1`;
    const html = await portal.getText(`/en/certificates${query}`);
    expect(switchOf(html)).toEqual([`/certificates${query}`]);
    expect(html).toMatch(/<a class="language-switch"[^>]*>中文<\/a>/);
    expect(alternatesOf(html)).toEqual([`${SITE_URL}/certificates${query}`, `${SITE_URL}/en/certificates${query}`]);
  });

  it('leads from a Chinese page to its English twin', async () => {
    const html = await portal.getText(`/notices/${ids.closed}`);
    expect(switchOf(html)).toEqual([`/en/notices/${ids.closed}`]);
    expect(html).toMatch(/<a class="language-switch"[^>]*lang="en"[^>]*>English<\/a>/);
    expect(html).toContain(`hreflang="en" href="${SITE_URL}/en/notices/${ids.closed}"`);
  });

  it('keeps links, forms and the 404 page in the language of the page', async () => {
    const html = await portal.getText(`/en/notices/${ids.closed}`);
    expect(html).toContain(`href="/en/certificates/${NUMBER}"`);
    expect(html).toContain('action="/en/search"');
    expect(html).toContain(REPLY);
    expect(html).toContain(`The notice period ended ${formatWindowTime(CLOSED.windowEnd, 'end', 'en')}`);
    const notFound = await portal.getText('/en/certificates/x/y', 404);
    expect(switchOf(notFound)).toEqual(['/certificates/x/y']);
  });
});

describe('commenting in English', () => {
  it('posts the English form to the same endpoint under /en, and the receipt comes back in English', async () => {
    const page = await portal.getText(`/en/notices/${ids.open}`);
    const [action] = attributes(page, /<form method="post" action="([^"]*)"/g);
    expect(action).toBe(`/en/notices/${ids.open}/comments`);
    const [idempotencyKey] = attributes(page, /name="idempotencyKey" value="([^"]*)"/g);

    const response = await portal.postComment(action!, englishForm({ kind: 'opinion', idempotencyKey: idempotencyKey! }));
    expect(response.status).toBe(303);
    const location = response.headers.get('location')!;
    expect(location).toMatch(/^\/en\/comments\/[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}\?received=1$/);

    const receipt = await portal.get(location, { redirect: 'manual' });
    expect(receipt.status).toBe(200);
    const html = await receipt.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('Your opinion has been received');
    expect(html).toContain(location.slice('/en/comments/'.length, '/en/comments/'.length + 17));
    expect(html).toMatch(ENGLISH_DATE_TIME);
    // The same receipt, in Chinese, for whoever switches.
    expect(await portal.getText(location.slice('/en'.length))).toContain('已收到您的意见');
  });

  it('returns the form with every problem named in English (422)', async () => {
    const response = await portal.postComment(
      `/en/notices/${ids.open}/comments`,
      englishForm({ text: 'Too short', contact: 'not-a-contact', consent: '' }),
    );
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('The comment needs at least 10 characters');
    expect(html).toContain('Enter a valid mainland China mobile number (11 digits) or e-mail address');
    expect(html).toContain('Read and accept the statement on personal information');
    expect(html).toContain(`action="/en/notices/${ids.open}/comments"`);
    expect(html).not.toContain('意见内容至少 10 个字');
  });

  it('refuses a comment after the window closed with 409, naming the window in English Beijing time', async () => {
    const response = await portal.postComment(`/en/notices/${ids.closed}/comments`, englishForm());
    expect(response.status).toBe(409);
    const html = await response.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain(
      `Notice GS-I18N-CLOSED has closed: comments are accepted only from ${formatBeijingDateTime(CLOSED.windowStart, 'en')} to ${formatBeijingDateTime(CLOSED.windowEnd, 'en')}. Nothing was stored.`,
    );
  });

  it('says in English when one person sends too many (429), and what else to do', async () => {
    const person = { contact: 'busy.li@example.com' };
    for (let i = 0; i < 5; i++)
      expect(
        (await portal.postComment(`/en/notices/${ids.open}/comments`, englishForm(person), { 'x-forwarded-for': `192.0.2.${80 + i}` })).status,
      ).toBe(303);
    const refused = await portal.postComment(`/en/notices/${ids.open}/comments`, englishForm(person), { 'x-forwarded-for': '192.0.2.77' });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBeTruthy();
    const html = await refused.text();
    expect(html).toContain('Too many comments with this contact (5 comments per 10 minutes with one contact)');
    expect(html).toContain('What else you can do');
  });

  it('still answers the Chinese form in Chinese', async () => {
    const response = await portal.postComment(`/notices/${ids.open}/comments`, englishForm());
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toMatch(/^\/comments\/[0-9A-Z-]{17}\?received=1$/);
  });
});

describe('English error pages', () => {
  it('name a mistyped USCC with 422', async () => {
    const response = await portal.get('/en/certificates?q=91330100799655058C', { redirect: 'manual' });
    expect(response.status).toBe(422);
    expect(await response.text()).toContain('the check character should be B, not C');
  });

  it('explain wrong notice filters with 400', async () => {
    const response = await portal.get('/en/notices?state=soon', { redirect: 'manual' });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('The filters are not valid. The state can only be open, upcoming or closed.');
  });

  it('refuse a malformed date with 400', async () => {
    const response = await portal.get(`/en/certificates/${NUMBER}?on=2026-02-30`, { redirect: 'manual' });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('Write the date as YYYY-MM-DD');
  });
});
