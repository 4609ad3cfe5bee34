import { describe, expect, it } from 'vitest';
import { addDays, addMonths, beijingDate, formatBeijingDate, startOfBeijingDay } from '../../src/lib/ground/time/beijing.ts';
import { parseFeed, SITE_URL } from '../support/feeds.ts';
import { insertApplicant, insertComment, insertListedNotice } from '../support/notice-fixtures.ts';
import { insertBodyAndScheme, insertCertificate } from '../support/registry-fixtures.ts';
import { usePortal } from '../support/server.ts';

// The served portal runs on the real clock: every date is placed relative to today in Beijing.
const today = beijingDate(new Date());
const yesterday = addDays(today, -1);
const DAY = 24 * 60 * 60 * 1000;
const at = (days: number) => new Date(Date.now() + days * DAY).toISOString();
const PRIVATE_NAME = '隐私测试姓名戊';
const PRIVATE_CONTACT = 'private-life-13500135000@example.cn';
const OBJECTION = '回访记录不完整，满意度调查样本可疑。';
const ANSWER = '经复核，异议成立，已要求补做回访并延长观察期。';

const NUMBERS = {
  overdue: 'TCB-SH-25-000401',
  audited: 'TCB-SH-25-000402',
  dueYesterday: 'TCB-SH-25-000403',
  dueToday: 'TCB-SH-25-000404',
  recertificationDue: 'TCB-SH-23-000405',
  recertificationNoticed: 'TCB-SH-23-000406',
};
/** Issued on the day whose anniversary is `dueOn` (the surveillance is due 12 months after the issue). */
const issuedForDue = (dueOn: string) => addMonths(dueOn, -12);
/** A 29 February has no day a year before it: the boundary checks then wait for another day. */
const boundaryPlaceable = addMonths(issuedForDue(yesterday), 12) === yesterday && addMonths(issuedForDue(today), 12) === today;

const ids: Record<string, number> = {};

const portal = usePortal(async (test) => {
  const ground = await insertBodyAndScheme(test.db);
  const holder = (name: string, serial: string) => insertApplicant(test.db, name, serial);
  const certificate = async (number: string, organisationId: number, issuedOn: string, expiresOn: string, surveillances: string[] = []) =>
    insertCertificate(test.db, ground, {
      number,
      organisationId,
      issuedOn,
      expiresOn,
      events: [
        { kind: 'issued', occurredAt: startOfBeijingDay(issuedOn).toISOString(), expiresOn },
        ...surveillances.map((day) => ({ kind: 'surveillance_passed' as const, occurredAt: `${day}T02:00:00.000Z` })),
      ],
    });
  const threeYears = (issuedOn: string) => addDays(addMonths(issuedOn, 36), -1);

  const overdueHolder = await holder('杭州钱塘售后服务有限公司', 'MA6000001');
  ids.overdue = await certificate(NUMBERS.overdue, overdueHolder, addDays(today, -400), threeYears(addDays(today, -400)));
  const auditedHolder = await holder('宁波三江家电服务有限公司', 'MA6000002');
  ids.audited = await certificate(NUMBERS.audited, auditedHolder, addDays(today, -500), threeYears(addDays(today, -500)), [addDays(today, -100)]);
  ids.dueYesterday = await certificate(
    NUMBERS.dueYesterday,
    await holder('温州瓯江电器服务有限公司', 'MA6000003'),
    issuedForDue(yesterday),
    threeYears(issuedForDue(yesterday)),
  );
  ids.dueToday = await certificate(
    NUMBERS.dueToday,
    await holder('绍兴鉴湖家电维修有限公司', 'MA6000004'),
    issuedForDue(today),
    threeYears(issuedForDue(today)),
  );
  // Both surveillances done, ending within the year: re-certification is what is due.
  const ending = addDays(today, 100);
  const endingIssued = addDays(addMonths(ending, -36), 1);
  ids.recertificationDue = await certificate(
    NUMBERS.recertificationDue,
    await holder('湖州南浔售后服务有限公司', 'MA6000005'),
    endingIssued,
    ending,
    [addMonths(endingIssued, 11), addMonths(endingIssued, 23)],
  );
  const noticedHolder = await holder('台州椒江家电服务有限公司', 'MA6000006');
  ids.recertificationNoticed = await certificate(NUMBERS.recertificationNoticed, noticedHolder, endingIssued, ending, [
    addMonths(endingIssued, 11),
    addMonths(endingIssued, 23),
  ]);

  // Open, its window ending at Beijing midnight: the poster writes that as the day before's 24时.
  ids.recertificationNotice = await insertListedNotice(test.db, ground, {
    reference: 'GS-LIFE-RECERT',
    kind: 'recertification',
    organisationId: noticedHolder,
    windowStart: at(-2),
    windowEnd: startOfBeijingDay(addDays(today, 5)).toISOString(),
  });
  // The audited certificate's initial notice, decided, with an objection upheld and answered in public.
  ids.decided = await insertListedNotice(test.db, ground, {
    reference: 'GS-LIFE-DECIDED',
    organisationId: auditedHolder,
    certificateId: ids.audited,
    windowStart: at(-520),
    windowEnd: at(-510),
  });
  const privateData = { submitterName: PRIVATE_NAME, submitterContact: PRIVATE_CONTACT };
  await insertComment(test.db, ids.decided, {
    ...privateData,
    kind: 'objection',
    text: OBJECTION,
    status: 'answered',
    reply: ANSWER,
    published: 1,
    finding: 'upheld',
    receivedAt: at(-515),
  });
  await insertComment(test.db, ids.decided, {
    ...privateData,
    kind: 'opinion',
    text: '这条意见没有公开。',
    status: 'answered',
    receivedAt: at(-514),
  });
  // Its surveillance, closed and not yet decided: pending, it names no certificate.
  ids.pendingSurveillance = await insertListedNotice(test.db, ground, {
    reference: 'GS-LIFE-SURVEILLANCE',
    kind: 'surveillance',
    organisationId: auditedHolder,
    windowStart: at(-110),
    windowEnd: at(-102),
  });
});

describe('surveillance on the certificate page and in the API', () => {
  it('flags a surveillance more than 12 months overdue, in both languages', async () => {
    const dueOn = addMonths(addDays(today, -400), 12);
    const page = await portal.getText(`/certificates/${NUMBERS.overdue}`);
    expect(page).toContain('年度监督审核与再认证');
    expect(page).toContain('年度监督审核已逾期');
    expect(page).toContain(`应于 ${formatBeijingDate(dueOn)} 前完成的年度监督审核至今没有记录`);
    expect(page).toMatch(/上次监督审核<\/dt>\s*<dd[^>]*>尚无记录/);
    expect(await portal.getText(`/en/certificates/${NUMBERS.overdue}`)).toContain('Yearly surveillance overdue');
    expect((await portal.getJson(`/api/v1/certificates/${NUMBERS.overdue}`)).surveillance).toEqual({ lastOn: null, dueOn, overdue: true });
  });

  it('shows the last surveillance and when the next is due, without a flag, when it is on time', async () => {
    const lastOn = addDays(today, -100);
    const page = await portal.getText(`/certificates/${NUMBERS.audited}`);
    expect(page).not.toContain('年度监督审核已逾期');
    expect(page).toContain(formatBeijingDate(lastOn));
    expect(page).toContain(`应于 ${formatBeijingDate(addMonths(lastOn, 12))} 前完成`);
    expect((await portal.getJson(`/api/v1/certificates/${NUMBERS.audited}`)).surveillance).toEqual({
      lastOn,
      dueOn: addMonths(lastOn, 12),
      overdue: false,
    });
  });

  it.skipIf(!boundaryPlaceable)('flags a surveillance due yesterday, and not one due today', async () => {
    expect((await portal.getJson(`/api/v1/certificates/${NUMBERS.dueYesterday}`)).surveillance).toEqual({
      lastOn: null,
      dueOn: yesterday,
      overdue: true,
    });
    expect((await portal.getJson(`/api/v1/certificates/${NUMBERS.dueToday}`)).surveillance).toEqual({ lastOn: null, dueOn: today, overdue: false });
    expect(await portal.getText(`/certificates/${NUMBERS.dueToday}`)).not.toContain('年度监督审核已逾期');
  });

  it('shows re-certification due when the certificate ends within the year with no re-certification notice', async () => {
    const page = await portal.getText(`/certificates/${NUMBERS.recertificationDue}`);
    expect(page).toContain('再认证待进行');
    expect(page).toContain(`证书将于 ${formatBeijingDate(addDays(today, 100))} 到期，认证机构尚未发布再认证公示。`);
    expect(page).not.toContain('年度监督审核已逾期');
    expect((await portal.getJson(`/api/v1/certificates/${NUMBERS.recertificationDue}`)).recertification).toEqual({ due: true, notice: null });
  });

  it('links the re-certification notice instead, once the body has published it', async () => {
    const page = await portal.getText(`/certificates/${NUMBERS.recertificationNoticed}`);
    expect(page).not.toContain('再认证待进行');
    expect(page).toContain(`再认证公示：<a href="/notices/${ids.recertificationNotice}"`);
    expect((await portal.getJson(`/api/v1/certificates/${NUMBERS.recertificationNoticed}`)).recertification).toEqual({
      due: false,
      notice: { reference: 'GS-LIFE-RECERT', url: `${SITE_URL}/notices/${ids.recertificationNotice}` },
    });
  });
});

describe('the life of a certificate', () => {
  it('lists every notice of the certificate with its window, comments, objections and outcome, and each links back', async () => {
    const page = await portal.getText(`/certificates/${NUMBERS.audited}`);
    expect(page).toContain('本证书的公示');
    const life = page.slice(page.indexOf('id="life-heading"'), page.indexOf('id="history-heading"'));
    const surveillance = life.indexOf(`href="/notices/${ids.pendingSurveillance}"`);
    const initial = life.indexOf(`href="/notices/${ids.decided}"`);
    expect(surveillance).toBeGreaterThan(0);
    expect(initial).toBeGreaterThan(surveillance);
    expect(life).toContain('收到意见 2 条，其中异议 1 条');
    expect(life).toContain('收到意见 0 条，其中异议 0 条');
    expect(life).toContain('予以认证');
    expect(life).toContain('尚未作出认证决定');
    const notices = (await portal.getJson(`/api/v1/certificates/${NUMBERS.audited}`)).notices;
    expect(
      notices.map((notice: any) => [notice.reference, notice.kind, notice.state, notice.commentCount, notice.objectionCount, notice.decision]),
    ).toEqual([
      ['GS-LIFE-SURVEILLANCE', 'surveillance', 'closed', 0, 0, 'pending'],
      ['GS-LIFE-DECIDED', 'initial', 'closed', 2, 1, 'certified'],
    ]);

    // Both ways: the decided notice names its certificate, the pending surveillance the one it concerns.
    expect(await portal.getText(`/notices/${ids.decided}`)).toContain(`href="/certificates/${NUMBERS.audited}"`);
    expect(await portal.getText(`/notices/${ids.pendingSurveillance}`)).toMatch(
      new RegExp(`所涉证书</dt>\\s*<dd[^>]*><a href="/certificates/${NUMBERS.audited}"`),
    );
  });
});

describe('how a decided notice’s comments were handled', () => {
  it('shows the counts, the finding and the published answer, and nothing of who sent them', async () => {
    const page = await portal.getText(`/notices/${ids.decided}`);
    expect(page).toContain('异议处理结果');
    const count = (label: string) => new RegExp(`${label}</dt>\\s*<dd data-count="(\\d+)"`).exec(page)?.[1];
    expect([
      count('收到意见'),
      count('其中异议'),
      count('已答复'),
      count('异议经核查成立'),
      count('异议经核查不成立'),
      count('公开意见及答复'),
    ]).toEqual(['2', '1', '2', '1', '0', '1']);
    expect(page).toContain(OBJECTION);
    expect(page).toContain(ANSWER);
    expect(page).toContain('异议成立');
    const api = await portal.get(`/api/v1/notices/${ids.decided}`);
    const body = await api.text();
    expect(JSON.parse(body).commentOutcomes).toMatchObject({
      received: 2,
      byKind: { objection: 1, opinion: 1, support: 0 },
      objections: { upheld: 1 },
    });
    for (const answer of [page, body, await portal.getText(`/en/notices/${ids.decided}`)]) {
      expect(answer).not.toContain(PRIVATE_NAME);
      expect(answer).not.toContain(PRIVATE_CONTACT);
    }
  });

  it('shows no outcome while the decision is pending', async () => {
    expect(await portal.getText(`/notices/${ids.pendingSurveillance}`)).not.toContain('异议处理结果');
    expect((await portal.getJson(`/api/v1/notices/${ids.pendingSurveillance}`)).commentOutcomes).toBeNull();
  });
});

describe('the lookup filter and the feed of overdue surveillance', () => {
  it('lists the certificates whose surveillance is overdue, and only them, the longest overdue first', async () => {
    const page = await portal.getText('/certificates?surveillance=overdue');
    expect(page).toContain('年度监督审核已逾期的证书');
    expect(page).toMatch(/name="surveillance" value="overdue" checked/);
    const overdue = page.indexOf(`/certificates/${NUMBERS.overdue}"`);
    expect(overdue).toBeGreaterThan(0);
    if (boundaryPlaceable) expect(page.indexOf(`/certificates/${NUMBERS.dueYesterday}"`)).toBeGreaterThan(overdue);
    for (const number of [NUMBERS.audited, NUMBERS.dueToday, NUMBERS.recertificationDue]) expect(page).not.toContain(`/certificates/${number}"`);
    const api = await portal.getJson('/api/v1/certificates?surveillance=overdue');
    expect(api.items.map((item: any) => item.number)).toEqual(boundaryPlaceable ? [NUMBERS.overdue, NUMBERS.dueYesterday] : [NUMBERS.overdue]);
    expect(api.items[0].surveillanceDueOn).toBe(addMonths(addDays(today, -400), 12));
  });

  it('narrows them by the lookup query, and says so when none matches', async () => {
    const api = await portal.getJson(`/api/v1/certificates?surveillance=overdue&q=${encodeURIComponent('钱塘')}`);
    expect(api.items.map((item: any) => item.number)).toEqual([NUMBERS.overdue]);
    expect(await portal.getText(`/certificates?surveillance=overdue&q=${encodeURIComponent('三江')}`)).toContain(
      '没有相符的年度监督审核已逾期的证书。',
    );
  });

  it('refuses a filter it does not know with 400, in the page and in the API', async () => {
    expect(await portal.getText('/certificates?surveillance=late', 400)).toContain('surveillance must be overdue');
    const api = await portal.get('/api/v1/certificates?surveillance=late');
    expect(api.status).toBe(400);
    expect(((await api.json()) as any).error.code).toBe('invalid_query');
  });

  it('is a feed of them, each from the day it became overdue, and answers conditional requests', async () => {
    const response = await portal.get('/feeds/surveillance-overdue.xml');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/rss+xml');
    const xml = await response.text();
    const feed = await parseFeed(xml, `${SITE_URL}/feeds/surveillance-overdue.xml`);
    const item = feed.items.find((candidate) => candidate.link === `${SITE_URL}/certificates/${NUMBERS.overdue}`);
    const dueOn = addMonths(addDays(today, -400), 12);
    expect(item?.guid).toBe(`${SITE_URL}/certificates/${NUMBERS.overdue}#surveillance-overdue-${dueOn}`);
    expect(Date.parse(item!.pubDate!)).toBe(startOfBeijingDay(addDays(dueOn, 1)).getTime());
    expect(xml).not.toContain(PRIVATE_NAME);
    expect((await portal.get('/feeds/surveillance-overdue.xml', { headers: { 'if-none-match': response.headers.get('etag')! } })).status).toBe(304);
    expect(await portal.getText('/feeds')).toContain(`${SITE_URL}/feeds/surveillance-overdue.xml`);
  });
});

describe('the notice-board poster', () => {
  it('is offered on an open or upcoming notice, not on a closed one', async () => {
    expect(await portal.getText(`/notices/${ids.recertificationNotice}`)).toMatch(
      new RegExp(`<a href="/notices/${ids.recertificationNotice}/poster"[^>]*>打印公示张贴页</a>`),
    );
    expect(await portal.getText(`/notices/${ids.pendingSurveillance}`)).not.toContain('打印公示张贴页');
  });

  it('states the notice in Chinese, the deadline written as 24时 of its last day, with a QR code to the comment form', async () => {
    const page = await portal.getText(`/notices/${ids.recertificationNotice}/poster`);
    expect(page).toMatch(/<html lang="zh-CN" class="poster"/);
    expect(page).toContain(`<link rel="canonical" href="${SITE_URL}/notices/${ids.recertificationNotice}/poster"`);
    expect(page).toContain('服务认证公示');
    expect(page).toContain('台州椒江家电服务有限公司');
    expect(page).toContain('《商品售后服务评价体系》GB/T 27922');
    expect(page).toContain('五星（仅在售后服务认证内有意义）');
    expect(page).toMatch(new RegExp(`deadline-time[^>]*>${formatBeijingDate(addDays(today, 4))}24时<`));
    expect(page).not.toMatch(/0时</);
    expect(page).toContain('请以书面形式实名提出异议');
    expect(page).toMatch(/<svg[^>]*viewBox[^>]*>.*<path/s);
    const english = await portal.getText(`/en/notices/${ids.recertificationNotice}/poster`);
    expect(english).toContain('服务认证公示');
    expect(english).toContain('This page is laid out for A4 paper');
  });

  it('says a closed notice is not to be posted, and a notice that does not exist is 404', async () => {
    const closed = await portal.getText(`/notices/${ids.pendingSurveillance}/poster`);
    expect(closed).toContain('该公示已结束或已撤回，无需张贴。');
    expect(closed).not.toContain('扫码提交意见');
    expect(await portal.getText('/notices/999999/poster', 404)).toContain('未找到该公示');
  });
});

describe('the badge', () => {
  it('is an SVG of today’s status, cached briefly and never past the next Beijing midnight, with a strong validator', async () => {
    const response = await portal.get(`/certificates/${NUMBERS.audited}/badge.svg`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
    expect(response.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    const maxAge = Number(/^public, max-age=(\d+)$/.exec(response.headers.get('cache-control') ?? '')?.[1]);
    const untilMidnight = (startOfBeijingDay(addDays(beijingDate(new Date()), 1)).getTime() - Date.now()) / 1000;
    expect(maxAge).toBeLessThanOrEqual(Math.min(300, Math.ceil(untilMidnight)));
    const svg = await response.text();
    expect(svg).toContain('>服务认证证书 有效</text>');
    expect(svg).toContain('>售后服务认证 · 五星</text>');
    expect(svg).toContain(`href="${SITE_URL}/certificates/${NUMBERS.audited}"`);
    const etag = response.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect((await portal.get(`/certificates/${NUMBERS.audited}/badge.svg`, { headers: { 'if-none-match': etag } })).status).toBe(304);
  });

  // Within the 5 seconds in which any write is seen: SQLite's commit counter is exact, PostgreSQL's notification arrives a few ms after the commit.
  it('changes once the status does, within 5 seconds, and flags an overdue surveillance', async () => {
    const badge = `/certificates/${NUMBERS.recertificationDue}/badge.svg`;
    const before = await portal.get(badge);
    await portal.test.db.updateTable('certificate').set({ status: 'suspended' }).where('id', '=', ids.recertificationDue!).execute();
    await expect
      .poll(async () => (await portal.get(badge, { headers: { 'if-none-match': before.headers.get('etag')! } })).status, {
        timeout: 5000,
        interval: 100,
      })
      .toBe(200);
    expect(await portal.getText(badge)).toContain('>服务认证证书 暂停</text>');
    expect(await portal.getText(`/certificates/${NUMBERS.overdue}/badge.svg`)).toContain('>服务认证证书 有效 · 年度监督审核已逾期</text>');
  });

  it('is offered on the certificate page as a snippet to copy, and is an image saying so for an unknown number', async () => {
    const page = await portal.getText(`/certificates/${NUMBERS.audited}`);
    expect(page).toContain(`<img src="/certificates/${NUMBERS.audited}/badge.svg"`);
    expect(page).toContain(
      `&lt;a href=&quot;${SITE_URL}/certificates/${NUMBERS.audited}&quot; target=&quot;_blank&quot; rel=&quot;noopener&quot;&gt;&lt;img src=&quot;${SITE_URL}/certificates/${NUMBERS.audited}/badge.svg&quot;`,
    );
    const unknown = await portal.get('/certificates/TCB-XX-00-000000/badge.svg');
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toBe('image/svg+xml; charset=utf-8');
    expect(await unknown.text()).toContain('未找到该证书');
  });
});
