import { describe, expect, it } from 'vitest';
import { beijingDate, addDays } from '../../src/lib/ground/time/beijing.ts';
import { insertBodyAndScheme, insertCertificate, insertNoticeWithComment, insertOrganisation } from '../support/registry-fixtures.ts';
import { qrCodeSvg } from '../../src/lib/ground/site/qr.ts';
import { SITE_URL, usePortal } from '../support/server.ts';

// The served portal uses the real clock, so the fixtures are placed around today.
const today = beijingDate(new Date());
const NUMBER = 'TCB-SH-24-000001';
const PRIVATE_NAME = '隐私测试姓名甲';
const PRIVATE_CONTACT = 'private-contact-13800138000@example.cn';

/** The certificate's notice, with a published comment whose submitter's name and contact are private. */
let commentedNotice: number;

const portal = usePortal(async (test) => {
  const ground = await insertBodyAndScheme(test.db);
  const holder = await insertOrganisation(test.db, '杭州西子湖畔家电售后服务有限公司', '91330100799655058B');
  const certificateId = await insertCertificate(test.db, ground, {
    number: NUMBER,
    organisationId: holder,
    issuedOn: addDays(today, -400),
    expiresOn: addDays(today, 600),
    events: [
      { kind: 'issued', occurredAt: `${addDays(today, -400)}T02:00:00.000Z`, expiresOn: addDays(today, 600) },
      { kind: 'suspended', occurredAt: `${addDays(today, -100)}T02:00:00.000Z` },
      { kind: 'restored', occurredAt: `${addDays(today, -50)}T02:00:00.000Z` },
    ],
  });
  await insertCertificate(test.db, ground, { number: 'TCB-SH-20-000009', organisationId: holder, expiresOn: addDays(today, -1) });
  commentedNotice = await insertNoticeWithComment(test.db, ground, {
    organisationId: holder,
    certificateId,
    submitterName: PRIVATE_NAME,
    submitterContact: PRIVATE_CONTACT,
  });
});

const postJson = (path: string, body: string, headers: Record<string, string> = {}) =>
  portal.request(path, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

/** No answer may show a stack trace or internals, whatever went wrong. */
function expectNoInternals(body: string): void {
  expect(body).not.toMatch(/\bat .+\.(m?js|ts):\d+/);
  expect(body).not.toMatch(/SqliteError|TypeError|ReferenceError|node_modules/);
}

describe('certificate page', () => {
  it('shows the holder, the status as of today in large, the history and a QR code of its own URL', async () => {
    const html = await portal.getText(`/certificates/${NUMBER}`);
    expect(html).toContain('status-banner status-valid');
    expect(html).toContain('杭州西子湖畔家电售后服务有限公司');
    expect(html).toContain('91330100799655058B');
    expect(html).toContain('《商品售后服务评价体系》GB/T 27922');
    expect(html).toContain('CNCA-R-2002-001');
    expect(html).toMatch(/<svg[^>]*>.*<path/s);
    expect(html).toContain(`https://cert.example.cn/certificates/${NUMBER}`);
    expect(html).toContain('href="/notices/');
    expect(html).toContain('北京时间');
  });

  it('answers "was it valid on that day?" from the event history', async () => {
    const suspendedDay = addDays(today, -70);
    const html = await portal.getText(`/certificates/${NUMBER}?on=${suspendedDay}`);
    expect(html).toMatch(/status-suspended">暂停/);
    const beforeIssue = await portal.getText(`/certificates/${NUMBER}?on=${addDays(today, -500)}`);
    expect(beforeIssue).toContain('尚未颁发');
  });

  it('refuses a malformed date with 400 and a clear message', async () => {
    const html = await portal.getText(`/certificates/${NUMBER}?on=2026-02-30`, 400);
    expect(html).toContain('日期格式应为 YYYY-MM-DD');
    expectNoInternals(html);
  });

  it('explains a number that is not found and offers the registered number one slip away', async () => {
    const html = await portal.getText('/certificates/TCB-SH-24-000007', 404);
    expect(html).toContain('证书是伪造的');
    expect(html).toContain(`/certificates/${NUMBER}`);
    expect(html).toContain('TCB-SH-20-000009');
  });
});

describe('other spellings of a certificate number', () => {
  it.each([
    ['lower case', 'tcb-sh-24-000001'],
    ['no dashes', 'TCBSH24000001'],
    ['spaces', 'TCB%20SH%2024%20000001'],
    ['full-width letters and digits', encodeURIComponent('ＴＣＢ－ＳＨ－２４－０００００１')],
    ['other dashes', encodeURIComponent('TCB–SH—24‐000001')],
  ])('redirect (301) from %s to the registered number’s page, in the same language, with the query kept', async (_spelling, spelled) => {
    for (const prefix of ['', '/en']) {
      const response = await portal.get(`${prefix}/certificates/${spelled}?on=${today}`, { redirect: 'manual' });
      expect(response.status).toBe(301);
      expect(response.headers.get('location')).toBe(`${prefix}/certificates/${NUMBER}?on=${today}`);
    }
  });

  it('are answered by the JSON API with the registered number', async () => {
    const response = await portal.get('/api/v1/certificates/tcb%20sh-24%E2%80%94000001');
    expect(response.status).toBe(200);
    expect((await response.json()).number).toBe(NUMBER);
  });

  it('does not redirect a number no certificate has', async () => {
    expect((await portal.get('/certificates/tcb-sh-24-000002', { redirect: 'manual' })).status).toBe(404);
  });
});

describe('the QR code', () => {
  it('encodes the Chinese address of the certificate on the English page too', async () => {
    const printed = await qrCodeSvg(`${SITE_URL}/certificates/${NUMBER}`);
    for (const prefix of ['', '/en']) {
      const html = await portal.getText(`${prefix}/certificates/${NUMBER}`);
      expect(html, prefix).toContain(printed);
    }
  });
});

describe('certificate search page', () => {
  it('finds a certificate by a two-character piece of the holder name and shows the total', async () => {
    const html = await portal.getText(`/certificates?q=${encodeURIComponent('湖畔')}`);
    expect(html).toMatch(/找到 <strong>2<\/strong> 张证书/);
    expect(html).toContain(NUMBER);
  });

  it('tells a mistyped USCC apart from "not found" (422)', async () => {
    const html = await portal.getText('/certificates?q=91330100799655058C', 422);
    expect(html).toContain('校验码应为 B');
    // The code meant is offered, as a link to its lookup.
    expect(html).toMatch(/您要找的是否是 <a class="mono" href="\/certificates\?q=91330100799655058B">91330100799655058B<\/a>？/);
  });

  it('goes straight to the certificate’s page for a whole certificate number, in any spelling', async () => {
    for (const [prefix, typed] of [
      ['', NUMBER],
      ['/en', 'tcb sh 24 000001'],
    ]) {
      const response = await portal.get(`${prefix}/certificates?q=${encodeURIComponent(typed!)}`, { redirect: 'manual' });
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe(`${prefix}/certificates/${NUMBER}`);
    }
  });

  it('suggests a shorter part of the name only when there is one', async () => {
    const short = await portal.getText(`/certificates?q=${encodeURIComponent('华为')}`);
    expect(short).toContain('未找到与“华为”相符的证书');
    expect(short).not.toContain('如“华为”');
    const long = await portal.getText(`/certificates?q=${encodeURIComponent('华为技术')}`);
    expect(long).toContain('如“华为”');
  });

  it('refuses a query over 200 characters with 400 and a message', async () => {
    const html = await portal.getText(`/certificates?q=${encodeURIComponent('杭'.repeat(201))}`, 400);
    expect(html).toContain('最多可输入 200 个字符');
    expectNoInternals(html);
  });
});

describe('certificate API', () => {
  it('answers one certificate in camelCase with the canonical URL, open to any origin', async () => {
    const response = await portal.get(`/api/v1/certificates/${NUMBER}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    const certificate = await response.json();
    expect(certificate).toMatchObject({
      number: NUMBER,
      status: 'valid',
      holder: { name: '杭州西子湖畔家电售后服务有限公司', uscc: '91330100799655058B' },
      scheme: { code: 'after-sales', name: '售后服务认证' },
      level: { code: 'five-star', name: '五星' },
      scope: '家用电器的售后服务',
      issuedOn: addDays(today, -400),
      expiresOn: addDays(today, 600),
      url: `https://cert.example.cn/certificates/${NUMBER}`,
    });
    expect(certificate.events.map((event: { kind: string }) => event.kind)).toEqual(['issued', 'suspended', 'restored']);
    expect(certificate.events[0].occurredAt).toMatch(/\+08:00$/);
  });

  it('computes expired from the end date', async () => {
    const certificate = await portal.getJson('/api/v1/certificates/TCB-SH-20-000009');
    expect(certificate.status).toBe('expired');
  });

  it('answers 404 in the one error shape for an unknown number', async () => {
    const response = await portal.get('/api/v1/certificates/NOPE-0000');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'certificate_not_found', message: expect.stringContaining('NOPE-0000') } });
  });

  it('searches with total and items', async () => {
    const response = await portal.get(`/api/v1/certificates?q=${encodeURIComponent('西子湖')}&page=1`);
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    const body = await response.json();
    expect(body.total).toBe(2);
    expect(body.items.map((item: { number: string }) => item.number).sort()).toEqual(['TCB-SH-20-000009', NUMBER]);
  });

  it.each([
    ['a query over 200 characters', `q=${'x'.repeat(201)}`, 400, 'query_too_long'],
    ['a page that is not a number', 'q=abc&page=two', 400, 'invalid_query'],
    ['a USCC with a wrong check character', 'q=91330100799655058C', 422, 'invalid_uscc'],
  ])('refuses %s', async (_, query, status, code) => {
    const response = await portal.get(`/api/v1/certificates?${query}`);
    expect(response.status).toBe(status);
    expect((await response.json()).error.code).toBe(code);
  });
});

describe('bulk verification API', () => {
  it('answers in the order asked', async () => {
    const response = await postJson('/api/v1/certificates/verify', JSON.stringify({ numbers: ['X-1', NUMBER, 'TCB-SH-20-000009'] }));
    expect(response.status).toBe(200);
    const { results } = await response.json();
    expect(results.map(({ number, found, status }: Record<string, unknown>) => ({ number, found, status }))).toEqual([
      { number: 'X-1', found: false, status: null },
      { number: NUMBER, found: true, status: 'valid' },
      { number: 'TCB-SH-20-000009', found: true, status: 'expired' },
    ]);
  });

  it.each([
    ['1,001 numbers', JSON.stringify({ numbers: Array.from({ length: 1001 }, (_, i) => `N-${i}`) }), 413, 'too_many_numbers'],
    ['a body that is not JSON', '{"numbers": [', 400, 'invalid_json'],
    ['numbers that are not a list', JSON.stringify({ numbers: 'TCB-SH-24-000001' }), 422, 'invalid_request'],
    ['a body far over the size limit', JSON.stringify({ numbers: ['x'.repeat(1_000_000)] }), 413, 'body_too_large'],
  ])('refuses %s with a clear message', async (_, body, status, code) => {
    const response = await postJson('/api/v1/certificates/verify', body);
    expect(response.status).toBe(status);
    const answer = await response.json();
    expect(answer.error.code).toBe(code);
    expect(answer.error.message.length).toBeGreaterThan(10);
    expectNoInternals(JSON.stringify(answer));
  });
});

describe('personal data of commenters', () => {
  it('appears in no certificate page, lookup answer, or page and API answer of the notice that shows the comment', async () => {
    const commentText = '该企业的售后电话经常无人接听。';
    // Each answer with what proves it is the right one: the certificate, or the published comment itself.
    const pages: [path: string, shows: string][] = [
      [`/certificates/${NUMBER}`, NUMBER],
      ['/certificates?q=%E6%B9%96%E7%95%94', `/certificates/${NUMBER}`],
      [`/api/v1/certificates/${NUMBER}`, `"number":"${NUMBER}"`],
      ['/api/v1/certificates?q=%E6%B9%96%E7%95%94', `"number":"${NUMBER}"`],
      [`/notices/${commentedNotice}`, commentText],
      [`/api/v1/notices/${commentedNotice}`, commentText],
    ];
    for (const [path, shows] of pages) {
      const body = await portal.getText(path);
      expect(body, `${path} is not the answer it should be`).toContain(shows);
      expect(body, path).not.toContain(PRIVATE_NAME);
      expect(body, path).not.toContain(PRIVATE_CONTACT);
    }
    expect(portal.output()).not.toContain(PRIVATE_NAME);
    expect(portal.output()).not.toContain(PRIVATE_CONTACT);
  });
});

describe('unknown addresses', () => {
  it('get a 404 page that offers the certificate lookup', async () => {
    const response = await portal.get('/no-such-page');
    expect(response.status).toBe(404);
    expect(await response.text()).toContain('证书编号');
  });
});
