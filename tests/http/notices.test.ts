import { describe, expect, it } from 'vitest';
import { addDays, beijingDate, formatWindowTime, toBeijingIso } from '../../src/lib/ground/time/beijing.ts';
import { insertApplicant, insertClosedNotices, insertComment, insertListedNotice } from '../support/notice-fixtures.ts';
import { insertBodyAndScheme, insertCertificate } from '../support/registry-fixtures.ts';
import { usePortal } from '../support/server.ts';

// The served portal uses the real clock, so the windows are placed around the real now.
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const at = (offset: number) => new Date(Date.now() + offset).toISOString();
const today = beijingDate(new Date());

const OPEN = { windowStart: at(-2 * DAY), windowEnd: at(5 * DAY + HOUR) };
const UPCOMING = { windowStart: at(3 * DAY), windowEnd: at(10 * DAY) };
const CLOSED = { windowStart: at(-20 * DAY), windowEnd: at(-12 * DAY) };
const CERTIFICATE = 'TCB-SH-26-000777';
const PRIVATE_NAME = '隐私测试姓名丙';
const PRIVATE_CONTACT = 'private-http-13700137000@example.cn';
const PRIVATE_ORGANISATION = '隐私测试提交单位';
const PUBLISHED_TEXT = '门店售后电话多次无人接听，评价结果是否可信？';
const REPLY = '经现场复核，投诉属实，已要求整改并延长观察期。';
const UNPUBLISHED_TEXT = '这条意见尚未公开，不应出现在任何页面。';

const ids = { open: 0, upcoming: 0, closed: 0 };

const portal = usePortal(async (test) => {
  const ground = await insertBodyAndScheme(test.db);
  const applicant = await insertApplicant(test.db, '杭州西子湖畔家电售后服务有限公司', 'MA3000001');
  const other = await insertApplicant(test.db, '广州珠江家电服务有限公司', 'MA3000002', '广东省');
  const certificateId = await insertCertificate(test.db, ground, {
    number: CERTIFICATE,
    organisationId: applicant,
    issuedOn: addDays(today, -10),
    expiresOn: addDays(today, 1000),
  });
  ids.open = await insertListedNotice(test.db, ground, { reference: 'GS-HTTP-OPEN', organisationId: applicant, kind: 'surveillance', ...OPEN });
  ids.upcoming = await insertListedNotice(test.db, ground, { reference: 'GS-HTTP-UPCOMING', organisationId: other, ...UPCOMING });
  ids.closed = await insertListedNotice(test.db, ground, { reference: 'GS-HTTP-CLOSED', organisationId: applicant, certificateId, ...CLOSED });
  const privateData = { submitterName: PRIVATE_NAME, submitterContact: PRIVATE_CONTACT, submitterOrganisation: PRIVATE_ORGANISATION };
  await insertComment(test.db, ids.closed, {
    ...privateData,
    kind: 'objection',
    text: PUBLISHED_TEXT,
    status: 'answered',
    reply: REPLY,
    published: 1,
    receivedAt: at(-15 * DAY),
  });
  await insertComment(test.db, ids.closed, { ...privateData, text: UNPUBLISHED_TEXT, receivedAt: at(-14 * DAY) });
  await insertComment(test.db, ids.open, { ...privateData, text: UNPUBLISHED_TEXT, receivedAt: at(-1 * DAY) });
});

/** No answer may show a stack trace or internals, whatever went wrong. */
function expectNoInternals(body: string): void {
  expect(body).not.toMatch(/\bat .+\.(m?js|ts):\d+/);
  expect(body).not.toMatch(/SqliteError|TypeError|ReferenceError|node_modules/);
}

describe('notice list page', () => {
  it('lists open, then upcoming, then closed notices with window in Beijing time, state, time left and start', async () => {
    const html = await portal.getText('/notices');
    expect(html).toMatch(/共 <strong[^>]*>3<\/strong> 条公示/);
    const open = html.indexOf(`/notices/${ids.open}"`);
    const upcoming = html.indexOf(`/notices/${ids.upcoming}"`);
    const closed = html.indexOf(`/notices/${ids.closed}"`);
    expect(open).toBeGreaterThan(0);
    expect(upcoming).toBeGreaterThan(open);
    expect(closed).toBeGreaterThan(upcoming);
    expect(html).toContain('杭州西子湖畔家电售后服务有限公司 售后服务认证监督审核公示');
    expect(html).toContain('拟定等级：五星');
    expect(html).toContain(formatWindowTime(OPEN.windowEnd, 'end'));
    expect(html).toContain('北京时间');
    expect(html).toContain('还剩 5 天');
    expect(html).toContain(`将于 ${formatWindowTime(UPCOMING.windowStart, 'start')} 开始`);
    for (const label of ['公示中', '即将公示', '公示已结束']) expect(html).toContain(label);
    expect(html).toContain('href="/notices"');
  });

  it('filters by the GET form fields and keeps the choices selected', async () => {
    const html = await portal.getText('/notices?state=upcoming&kind=&scheme=after-sales&province=%E5%B9%BF%E4%B8%9C%E7%9C%81&year=');
    expect(html).toMatch(/共 <strong[^>]*>1<\/strong> 条公示/);
    expect(html).toContain(`/notices/${ids.upcoming}"`);
    expect(html).not.toContain(`/notices/${ids.open}"`);
    expect(html).toMatch(/<option value="upcoming" selected/);
    expect(html).toMatch(/<option value="广东省" selected/);
  });

  it.each([
    ['a state that does not exist', 'state=soon', '公示状态'],
    ['a year that is not a number', 'year=twenty', '年份'],
    ['a page below 1', 'page=0', '页码'],
  ])('refuses %s with 400 and a Chinese message', async (_, query, field) => {
    const html = await portal.getText(`/notices?${query}`, 400);
    expect(html).toContain('筛选条件有误');
    expect(html).toContain(field);
    expectNoInternals(html);
  });
});

describe('notice page', () => {
  it('shows an open notice with its facts, the time left and the comment form', async () => {
    const html = await portal.getText(`/notices/${ids.open}`);
    expect(html).toContain('id="comment-form"');
    expect(html).toContain('公示中');
    expect(html).toContain('还剩 5 天');
    expect(html).toContain('91330100MA3000001');
    expect(html).toContain('杭州市西湖区文三路 1 号');
    expect(html).toContain('《商品售后服务评价体系》GB/T 27922');
    expect(html).toContain('CNCA-R-2002-001');
    expect(html).toContain('现场评价得分 96 分。');
    expect(html).toContain('请以书面形式实名提出异议');
    expect(html).toContain(formatWindowTime(OPEN.windowStart, 'start'));
    expect(html).toMatch(/已收到意见 <strong[^>]*>1<\/strong> 条/);
  });

  it('shows a closed notice without the form, naming the window, with the decision and the published comments', async () => {
    const html = await portal.getText(`/notices/${ids.closed}`);
    expect(html).not.toContain('id="comment-form"');
    expect(html).toContain('公示已结束');
    expect(html).toContain(`公示期已于 ${formatWindowTime(CLOSED.windowEnd, 'end')}结束，不再接受异议和意见。`);
    // Over: it no longer tells how to object.
    expect(html).not.toContain('id="objection-heading"');
    expect(html).not.toContain('请以书面形式实名提出异议');
    expect(html).toContain(`href="/certificates/${CERTIFICATE}"`);
    expect(html).toMatch(/已收到意见 <strong[^>]*>2<\/strong> 条/);
    expect(html).toContain(PUBLISHED_TEXT);
    expect(html).toContain(REPLY);
    expect(html).not.toContain(UNPUBLISHED_TEXT);
  });

  it('shows an upcoming notice without the form and says when it starts', async () => {
    const html = await portal.getText(`/notices/${ids.upcoming}`);
    expect(html).not.toContain('id="comment-form"');
    expect(html).toContain(`公示将于 ${formatWindowTime(UPCOMING.windowStart, 'start')}开始，届时可在本页提出异议和意见。`);
    expect(html).toContain('id="objection-heading"');
  });

  it.each(['abc', '999999', '1e3', '0'])('answers 404 for /notices/%s', async (id) => {
    const html = await portal.getText(`/notices/${id}`, 404);
    expect(html).toContain('未找到该公示');
    expectNoInternals(html);
  });
});

describe('notice API', () => {
  it('lists notices with total, pages and items in order, open to any origin', async () => {
    const response = await portal.get('/api/v1/notices');
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    const body = await response.json();
    expect(body).toMatchObject({ total: 3, page: 1, pageCount: 1 });
    expect(body.items.map((item: { id: number }) => item.id)).toEqual([ids.open, ids.upcoming, ids.closed]);
    expect(body.items[0]).toEqual({
      id: ids.open,
      reference: 'GS-HTTP-OPEN',
      title: '杭州西子湖畔家电售后服务有限公司 售后服务认证监督审核公示',
      kind: 'surveillance',
      state: 'open',
      windowStart: toBeijingIso(OPEN.windowStart),
      windowEnd: toBeijingIso(OPEN.windowEnd),
      applicant: { name: '杭州西子湖畔家电售后服务有限公司', uscc: expect.stringMatching(/^91330100MA3000001/), province: '浙江省' },
      scheme: { code: 'after-sales', name: '售后服务认证' },
      proposedLevel: { code: 'five-star', name: '五星' },
      url: `https://cert.example.cn/notices/${ids.open}`,
      commentCount: 1,
      withdrawal: null,
    });
    expect(body.items[0].windowStart).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+08:00$/);
    expect(Date.parse(body.items[0].windowEnd)).toBe(Date.parse(OPEN.windowEnd));
  });

  it('filters like the page', async () => {
    const body = await portal.getJson('/api/v1/notices?state=closed&page=1');
    expect(body.total).toBe(1);
    expect(body.items.map((item: { state: string }) => item.state)).toEqual(['closed']);
  });

  it('answers one notice with everything it states, its published comments and the certificate', async () => {
    const response = await portal.get(`/api/v1/notices/${ids.closed}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    const notice = await response.json();
    expect(notice).toMatchObject({
      id: ids.closed,
      reference: 'GS-HTTP-CLOSED',
      state: 'closed',
      kind: 'initial',
      windowStart: toBeijingIso(CLOSED.windowStart),
      windowEnd: toBeijingIso(CLOSED.windowEnd),
      applicant: { name: '杭州西子湖畔家电售后服务有限公司', address: '杭州市西湖区文三路 1 号' },
      scheme: { code: 'after-sales', basis: '《商品售后服务评价体系》GB/T 27922' },
      body: { name: '测试认证中心', approvalNumber: 'CNCA-R-2002-001' },
      proposedLevel: { code: 'five-star', name: '五星' },
      scope: '家用电器的售后服务',
      evaluationSummary: '现场评价得分 96 分。',
      objectionContact: expect.stringContaining('实名'),
      decision: 'certified',
      decidedAt: toBeijingIso(CLOSED.windowEnd),
      certificate: { number: CERTIFICATE, url: `https://cert.example.cn/certificates/${CERTIFICATE}` },
      url: `https://cert.example.cn/notices/${ids.closed}`,
      commentCount: 2,
    });
    expect(notice.comments).toEqual([
      {
        kind: 'objection',
        text: PUBLISHED_TEXT,
        receivedOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
        status: 'answered',
        reply: REPLY,
        finding: null,
      },
    ]);
  });

  it('answers an undecided notice without a certificate', async () => {
    const notice = await portal.getJson(`/api/v1/notices/${ids.open}`);
    expect(notice).toMatchObject({ state: 'open', decision: 'pending', decidedAt: null, certificate: null, comments: [] });
  });

  it.each([
    ['a state that does not exist', '/api/v1/notices?state=soon', 400, 'invalid_query'],
    ['a kind that does not exist', '/api/v1/notices?kind=annual', 400, 'invalid_query'],
    ['a year out of range', '/api/v1/notices?year=1999', 400, 'invalid_query'],
    ['a page that is not a number', '/api/v1/notices?page=two', 400, 'invalid_query'],
    ['an unknown id', '/api/v1/notices/999999', 404, 'notice_not_found'],
    ['an id that is not a number', '/api/v1/notices/abc', 404, 'notice_not_found'],
  ])('refuses %s in the one error shape', async (_, path, status, code) => {
    const response = await portal.get(path);
    expect(response.status).toBe(status);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    const answer = await response.json();
    expect(answer).toEqual({ error: { code, message: expect.any(String) } });
    expect(answer.error.message.length).toBeGreaterThan(10);
    expectNoInternals(JSON.stringify(answer));
  });
});

describe('personal data of commenters', () => {
  it('appears in no notice page or API answer, while published comments and replies do', async () => {
    const paths = [
      '/notices',
      `/notices/${ids.open}`,
      `/notices/${ids.closed}`,
      '/api/v1/notices',
      `/api/v1/notices/${ids.open}`,
      `/api/v1/notices/${ids.closed}`,
    ];
    const answers = await Promise.all(paths.map((path) => portal.getText(path)));
    for (const body of answers) {
      for (const secret of [PRIVATE_NAME, PRIVATE_CONTACT, PRIVATE_ORGANISATION, 'not-a-real-hash', UNPUBLISHED_TEXT]) {
        expect(body).not.toContain(secret);
      }
    }
    const [, , closedPage, , , closedJson] = answers;
    for (const body of [closedPage!, closedJson!]) {
      expect(body).toContain(PUBLISHED_TEXT);
      expect(body).toContain(REPLY);
    }
    expect(portal.output()).not.toContain(PRIVATE_NAME);
  });
});

describe('a list longer than its pages go', () => {
  const COUNT = 2050;
  const longPortal = usePortal(async (long) => {
    const ground = await insertBodyAndScheme(long.db);
    const applicant = await insertApplicant(long.db, '宁波甬江物业管理有限公司', 'MA3000009');
    await insertListedNotice(long.db, ground, { reference: 'GS-LONG-OPEN', organisationId: applicant, ...OPEN });
    await insertClosedNotices(long.db, COUNT, (i) => `GS-LONG-${i}`, at(-30 * DAY));
  });

  it('says the exact total, and that only the first 2,000 are listed, in both languages', async () => {
    const zh = await longPortal.getText('/notices');
    expect(zh).toMatch(new RegExp(`共 <strong[^>]*>${COUNT + 1}</strong> 条公示，第 1 / 100 页`));
    expect(zh).toContain('只列出前 2000 条');
    expect(zh).toContain('宁波甬江物业管理有限公司 售后服务认证初次认证公示');
    const en = await longPortal.getText('/en/notices');
    expect(en).toContain('Only the first 2000 are listed');
    const api = await longPortal.getJson('/api/v1/notices?page=100');
    expect(api).toMatchObject({ total: COUNT + 1, listed: 2000, page: 100, pageCount: 100 });
    expect(api.items).toHaveLength(20);
    expect((await longPortal.getJson('/api/v1/notices?page=101')).items).toEqual([]);
  });
});
