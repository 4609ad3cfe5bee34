import { describe, expect, it } from 'vitest';
import { RATE_LIMITS } from '../../src/lib/domain/comments/submit.ts';
import { insertBodyAndScheme, insertNotice, insertOrganisation } from '../support/registry-fixtures.ts';
import { commentForm, usePortal } from '../support/server.ts';

const HOUR = 60 * 60_000;
const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();
const PRIVATE_NAME = '隐私姓名测试乙';
const PRIVATE_CONTACT = 'private.contact.test@example.cn';
const PRIVATE_ADDRESS = '198.51.100.77';

let openNotice: number;
let closedNotice: number;

const portal = usePortal(
  async (test) => {
    const ground = await insertBodyAndScheme(test.db);
    const applicant = await insertOrganisation(test.db, '杭州西子湖畔家电售后服务有限公司', '91330100799655058B');
    openNotice = await insertNotice(test.db, ground, {
      organisationId: applicant,
      windowStart: iso(-24 * HOUR),
      windowEnd: iso(5 * 24 * HOUR),
      reference: 'GS-OPEN',
    });
    closedNotice = await insertNotice(test.db, ground, {
      organisationId: applicant,
      windowStart: iso(-10 * 24 * HOUR),
      windowEnd: iso(-HOUR),
      reference: 'GS-CLOSED',
    });
  },
  { TRUST_PROXY: '1' },
);

const commentCount = async () =>
  Number(
    (
      await portal.test.db
        .selectFrom('comment')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('submitting a comment without JavaScript', () => {
  it('stores it, redirects to a receipt with the tracking number, and the receipt page shows it', async () => {
    const response = await portal.postComment(openNotice, commentForm());
    expect(response.status).toBe(303);
    const location = response.headers.get('location')!;
    expect(location).toMatch(/^\/comments\/[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}\?received=1$/);
    const html = await portal.getText(location);
    expect(html).toContain(location.slice('/comments/'.length, '/comments/'.length + 17));
    expect(html).toContain('已收到');
  });

  it('stores a double-posted form once and sends both posts to the same receipt', async () => {
    const fields = commentForm();
    const before = await commentCount();
    const [first, second] = await Promise.all([portal.postComment(openNotice, fields), portal.postComment(openNotice, fields)]);
    expect(first.headers.get('location')).toBe(second.headers.get('location'));
    expect(await commentCount()).toBe(before + 1);
  });

  it('answers JSON with 201 and the tracking number when asked for JSON', async () => {
    const response = await portal.postComment(openNotice, commentForm(), { accept: 'application/json' });
    expect(response.status).toBe(201);
    const receipt = await response.json();
    expect(receipt).toMatchObject({ status: 'received', trackingNumber: expect.stringMatching(/^[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}$/) });
  });
});

describe('outside the window', () => {
  it('answers 409 with a page that names the window, and stores nothing', async () => {
    const before = await commentCount();
    const response = await portal.postComment(closedNotice, commentForm());
    expect(response.status).toBe(409);
    const html = await response.text();
    expect(html).toContain('已经结束');
    expect(html).toMatch(/意见仅在公示期内受理：\d{4}年\d{1,2}月\d{1,2}日(\d{1,2}时(\d{1,2}分)?)?（北京时间） 至/);
    // The text to copy, and where to send it: the notice's channels and the body's name.
    expect(html).toMatch(/<textarea readonly[^>]*>该企业的售后服务电话经常无人接听/);
    expect(html).toContain('请以书面形式实名提出异议：测试认证中心，电话 010-00000000。');
    expect(html).toContain('认证机构：测试认证中心');
    expect(await commentCount()).toBe(before);
  });

  it('answers 409 in the one JSON error shape when asked for JSON', async () => {
    const response = await portal.postComment(closedNotice, commentForm(), { accept: 'application/json' });
    expect(response.status).toBe(409);
    expect(await response.json()).toEqual({ error: { code: 'window_closed', message: expect.stringContaining('GS-CLOSED') } });
  });
});

describe('bad input and abuse', () => {
  it('refuses a cross-site post with 403 and stores nothing', async () => {
    const before = await commentCount();
    const response = await portal.postComment(openNotice, commentForm(), { origin: 'https://evil.example' });
    expect(response.status).toBe(403);
    expect(await commentCount()).toBe(before);
  });

  it('refuses a body over 64 KiB with 413', async () => {
    const response = await portal.postComment(openNotice, commentForm({ text: '长'.repeat(30_000) }));
    expect(response.status).toBe(413);
  });

  it('answers a form whose honeypot is filled as if it were a comment, and stores nothing', async () => {
    const before = await commentCount();
    const response = await portal.postComment(openNotice, commentForm({ website: 'http://spam.example' }));
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toMatch(/^\/comments\/[0-9A-Z]{5}-[0-9A-Z]{5}-[0-9A-Z]{5}\?received=1$/);
    const json = await portal.postComment(openNotice, commentForm({ website: 'http://spam.example' }), { accept: 'application/json' });
    expect(json.status).toBe(201);
    expect(await commentCount()).toBe(before);
  });

  it('returns the form with every problem named (422) and everything typed, to that person only (no-store)', async () => {
    const response = await portal.postComment(openNotice, commentForm({ text: '太短了', contact: 'not-a-contact', name: PRIVATE_NAME, consent: '' }));
    expect(response.status).toBe(422);
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    const html = await response.text();
    expect(html).toContain('意见内容至少 10 个字');
    expect(html).toContain('请填写有效的中国大陆手机号码');
    expect(html).toContain('请阅读并同意个人信息处理说明');
    expect(html).toContain('您的意见未被保存');
    expect(html).toContain('公示 GS-OPEN：杭州西子湖畔家电售后服务有限公司');
    expect(html).toMatch(/<textarea[^>]*name="text"[^>]*>太短了<\/textarea>/);
    expect(html).toMatch(new RegExp(`name="name"[^>]*value="${PRIVATE_NAME}"`));
    expect(html).toMatch(/name="contact"[^>]*value="not-a-contact"/);
  });

  it('limits one person (one contact) to 5 comments in 10 minutes, from any address, with 429 and Retry-After', async () => {
    const person = { contact: 'flood.person@example.cn' };
    for (let i = 0; i < 5; i++)
      expect((await portal.postComment(openNotice, commentForm(person), { 'x-forwarded-for': `192.0.2.${60 + i}` })).status).toBe(303);
    const refused = await portal.postComment(openNotice, commentForm({ contact: 'Flood.Person@example.cn' }), { 'x-forwarded-for': '192.0.2.70' });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(500);
    // The person is told what else to do, with the body's channels, and gets back what they typed.
    const html = await refused.text();
    expect(html).toContain('使用同一联系方式的提交过于频繁');
    expect(html).toContain('还可以这样做');
    expect(html).toContain('请以书面形式实名提出异议：测试认证中心');
    expect(html).toMatch(/<textarea[^>]*name="text"[^>]*>该企业的售后服务电话/);
  });

  it('lets 30 people behind one office or mobile address each comment within 10 minutes', async () => {
    const office = { 'x-forwarded-for': '192.0.2.55, 10.0.0.1' };
    const before = await commentCount();
    for (let i = 0; i < 30; i++) expect((await portal.postComment(openNotice, commentForm(), office)).status).toBe(303);
    expect(await commentCount()).toBe(before + 30);
  });

  it('stops a flood from one address that changes its contact each time, and says what else to do behind a shared address', async () => {
    const flood = { 'x-forwarded-for': '192.0.2.99' };
    const limit = RATE_LIMITS.find((candidate) => candidate.scope === 'address')!.max;
    for (let i = 0; i < limit; i++) expect((await portal.postComment(openNotice, commentForm(), flood)).status).toBe(303);
    const refused = await portal.postComment(openNotice, commentForm(), flood);
    expect(refused.status).toBe(429);
    const html = await refused.text();
    expect(html).toContain('来自同一网络地址的提交过于频繁');
    expect(html).toContain('换用其他网络');
  });

  it('renders comment text as text, never as markup', async () => {
    const response = await portal.postComment(openNotice, commentForm({ text: '<script>alert(1)</script> 短', contact: 'bad' }));
    const html = await response.text();
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>alert(1)</script>');
  });
});

describe('200 commenters at once', () => {
  it('get 200 distinct receipts and 200 stored comments, none lost', async () => {
    const before = await commentCount();
    const responses = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        portal.postComment(openNotice, commentForm(), { accept: 'application/json', 'x-forwarded-for': `100.64.${Math.floor(i / 200)}.${i + 1}` }),
      ),
    );
    const receipts = await Promise.all(responses.map(async (response) => ({ status: response.status, body: await response.json() })));
    expect(receipts.filter((receipt) => receipt.status === 201)).toHaveLength(200);
    const numbers = new Set(receipts.map((receipt) => receipt.body.trackingNumber));
    expect(numbers.size).toBe(200);
    expect(await commentCount()).toBe(before + 200);
    const stored = await portal.test.db
      .selectFrom('comment')
      .select('trackingNumber')
      .where('trackingNumber', 'in', [...numbers])
      .execute();
    expect(stored).toHaveLength(200);
  });
});

describe('personal data of commenters', () => {
  it('is stored for the body but appears in no page, API answer or log line', async () => {
    // A text of its own, so each page below can be seen to show this comment (or its notice).
    const text = '隐私测试：页面只公开这段意见本身，不公开提交人的姓名与联系方式。';
    const response = await portal.postComment(openNotice, commentForm({ name: PRIVATE_NAME, contact: PRIVATE_CONTACT, text }), {
      'x-forwarded-for': PRIVATE_ADDRESS,
    });
    const receiptPath = response.headers.get('location')!;
    const stored = await portal.test.db.selectFrom('comment').selectAll().where('submitterName', '=', PRIVATE_NAME).executeTakeFirstOrThrow();
    expect(stored.submitterContact).toBe(PRIVATE_CONTACT);
    expect(JSON.stringify(stored)).not.toContain(PRIVATE_ADDRESS);
    const hashes = await portal.test.db.selectFrom('commentSubmission').select('clientHash').execute();
    expect(hashes.length).toBeGreaterThan(0);
    for (const { clientHash } of hashes) expect(clientHash).not.toContain(PRIVATE_ADDRESS);
    await portal.test.db.updateTable('comment').set({ published: 1, status: 'answered', reply: '已核查。' }).where('id', '=', stored.id).execute();

    // Each page with what proves it is the page that would show the comment: its text, or its notice.
    const pages: [path: string, shows: string][] = [
      [receiptPath, text],
      [`/comments/${stored.trackingNumber}`, text],
      [`/notices/${openNotice}`, text],
      ['/notices', `/notices/${openNotice}`],
      [`/api/v1/notices/${openNotice}`, text],
      ['/api/v1/notices?state=open', '"reference":"GS-OPEN"'],
    ];
    for (const [path, shows] of pages) {
      const body = await portal.getText(path);
      expect(body, `${path} is not the page it should be`).toContain(shows);
      for (const secret of [PRIVATE_NAME, PRIVATE_CONTACT, PRIVATE_ADDRESS]) expect(body, `${secret} in ${path}`).not.toContain(secret);
    }
    for (const secret of [PRIVATE_NAME, PRIVATE_CONTACT, PRIVATE_ADDRESS]) expect(portal.output()).not.toContain(secret);
  });
});

describe('security headers', () => {
  it('come with every response: pages, API, errors and static files', async () => {
    const page = await portal.get('/');
    const stylesheet = /href="(\/_astro\/[^"]+\.css)"/.exec(await page.text())?.[1];
    expect(stylesheet).toBeDefined();
    for (const path of ['/', '/api/v1/certificates?q=x', '/no-such-page', stylesheet!]) {
      const response = await portal.get(path);
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp, path).toContain("script-src 'self'");
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(response.headers.get('referrer-policy'), path).toBeTruthy();
    }
  });
});
