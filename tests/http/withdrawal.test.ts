import ICAL from 'ical.js';
import { describe, expect, it } from 'vitest';
import { formatBeijingDate, formatBeijingDateTime } from '../../src/lib/ground/time/beijing.ts';
import { parseFeed } from '../support/feeds.ts';
import { insertApplicant, insertListedNotice } from '../support/notice-fixtures.ts';
import { insertBodyAndScheme } from '../support/registry-fixtures.ts';
import { SITE_URL, usePortal } from '../support/server.ts';

/** A withdrawn notice says when and why, wherever the public meets it: page, list, feeds, calendar, API. */
const DAY = 24 * 60 * 60 * 1000;
const at = (offset: number) => new Date(Date.now() + offset).toISOString();
const WITHDRAWN_AT = new Date(Date.now() - 2 * DAY).toISOString().replace(/\.\d{3}Z$/, '.000Z');
const REASON = '申请方书面申请撤回认证申请，本次公示相应撤回。';

let withdrawn: number;
let withdrawnLongAgo: number;

const portal = usePortal(async (test) => {
  const ground = await insertBodyAndScheme(test.db);
  const applicant = await insertApplicant(test.db, '温州瓯江撤回测试家电售后服务有限公司', 'MA8000101');
  const other = await insertApplicant(test.db, '宁波旧撤回测试物业服务有限公司', 'MA8000102');
  withdrawn = await insertListedNotice(test.db, ground, {
    reference: 'GS-WD-REASON',
    organisationId: applicant,
    windowStart: at(-3 * DAY),
    windowEnd: at(4 * DAY),
    status: 'withdrawn',
  });
  await test.db
    .updateTable('notice')
    .set({ withdrawnAt: WITHDRAWN_AT, withdrawalReason: REASON, updatedAt: at(-DAY) })
    .where('id', '=', withdrawn)
    .execute();
  // Withdrawn before the portal kept when and why: neither is known.
  withdrawnLongAgo = await insertListedNotice(test.db, ground, {
    reference: 'GS-WD-OLD',
    organisationId: other,
    windowStart: at(-9 * DAY),
    windowEnd: at(2 * DAY),
    status: 'withdrawn',
  });
});

describe('a withdrawn notice', () => {
  it('says on its page when the body withdrew it and why, in Chinese and in English, and no longer how to object', async () => {
    const zh = await portal.getText(`/notices/${withdrawn}`);
    expect(zh).toContain('GS-WD-REASON');
    expect(zh).toContain(`认证机构已于 ${formatBeijingDateTime(WITHDRAWN_AT, 'zh-CN')}撤回该公示，不再接受异议和意见。`);
    expect(zh).toContain(`撤回原因：${REASON}`);
    expect(zh).not.toContain('id="comment-form"');
    const en = await portal.getText(`/en/notices/${withdrawn}`);
    expect(en).toContain(`The certification body withdrew this notice on ${formatBeijingDateTime(WITHDRAWN_AT, 'en')}`);
    expect(en).toContain(`Reason given: ${REASON}`);
  });

  it('withdrawn before the time and reason were recorded, says that neither was recorded rather than guess', async () => {
    const zh = await portal.getText(`/notices/${withdrawnLongAgo}`);
    expect(zh).toContain('GS-WD-OLD');
    expect(zh).toContain('该公示已由认证机构撤回，不再接受异议和意见（撤回时间未登记）。');
    expect(zh).toContain('认证机构未登记撤回原因，可向认证机构询问。');
    const en = await portal.getText(`/en/notices/${withdrawnLongAgo}`);
    expect(en).toContain('(when was not recorded)');
    expect(en).toContain('The body recorded no reason for withdrawing it: ask the body.');
  });

  it('says in the notice list when and why, beside its state', async () => {
    const zh = await portal.getText('/notices?state=closed');
    expect(zh).toContain(`已于 ${formatBeijingDate(beijingDay(WITHDRAWN_AT), 'zh-CN')}撤回：${REASON}`);
    expect(zh).toContain('已撤回：未登记原因');
    const en = await portal.getText('/en/notices?state=closed');
    expect(en).toContain(`Withdrawn on ${formatBeijingDate(beijingDay(WITHDRAWN_AT), 'en')}: ${REASON}`);
  });

  it('is a feed item of its own (#withdrawal) dated when the body withdrew it, with the reason', async () => {
    const url = `${SITE_URL}/feeds/notices.xml`;
    const feed = await parseFeed(await portal.getText('/feeds/notices.xml'), url);
    const item = feed.items.find((candidate) => candidate.guid === `${SITE_URL}/notices/${withdrawn}#withdrawal`);
    expect(item, 'the withdrawal item').toBeDefined();
    expect(new Date(item!.isoDate!).toISOString()).toBe(WITHDRAWN_AT);
    expect(item!.contentSnippet).toContain(`撤回原因：${REASON}`);
    expect(item!.contentSnippet).toContain(`已于 ${formatBeijingDateTime(WITHDRAWN_AT)} 撤回该公示`);
    const old = feed.items.find((candidate) => candidate.guid === `${SITE_URL}/notices/${withdrawnLongAgo}#withdrawal`);
    expect(old!.contentSnippet).toContain('撤回时间未登记');
    expect(old!.contentSnippet).toContain('认证机构未登记撤回原因');
  });

  it('is a cancelled event in its calendar, saying when and why', async () => {
    const calendar = new ICAL.Component(ICAL.parse(await portal.getText(`/notices/${withdrawn}.ics`)));
    const [event] = calendar.getAllSubcomponents('vevent');
    expect(event!.getFirstPropertyValue('status')).toBe('CANCELLED');
    const description = String(event!.getFirstPropertyValue('description'));
    expect(description).toContain(`撤回原因：${REASON}`);
    expect(description).toContain(formatBeijingDateTime(WITHDRAWN_AT));
  });

  it('has its withdrawal in the JSON API, with the Beijing offset, and null parts when not recorded', async () => {
    const notice = await portal.getJson(`/api/v1/notices/${withdrawn}`);
    expect(notice.state).toBe('withdrawn');
    expect(notice.withdrawal.reason).toBe(REASON);
    expect(Date.parse(notice.withdrawal.withdrawnAt)).toBe(Date.parse(WITHDRAWN_AT));
    expect(notice.withdrawal.withdrawnAt).toMatch(/\+08:00$/);
    const old = await portal.getJson(`/api/v1/notices/${withdrawnLongAgo}`);
    expect(old.withdrawal).toEqual({ withdrawnAt: null, reason: null });
  });
});

/** The Beijing calendar day of an instant. */
function beijingDay(instant: string): string {
  return new Date(Date.parse(instant) + 8 * 60 * 60 * 1000).toISOString().slice(0, 10);
}
