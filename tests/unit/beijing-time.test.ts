import { describe, expect, it } from 'vitest';
import { timeLeft } from '../../src/lib/i18n/labels.ts';
import { formatBeijingDate, formatBeijingDateTime, formatWindowTime } from '../../src/lib/ground/time/beijing.ts';

describe('dates and times in Beijing time, in each language', () => {
  it.each([
    ['2026-11-26T07:00:00.000Z', '2026年11月26日 15:00（北京时间）', '26 Nov 2026, 15:00 (Beijing time)'],
    // 16:05 UTC is already the next day in Beijing, five past midnight.
    ['2026-09-03T16:05:00.000Z', '2026年9月4日 00:05（北京时间）', '4 Sep 2026, 00:05 (Beijing time)'],
    ['2025-12-31T15:59:00.000Z', '2025年12月31日 23:59（北京时间）', '31 Dec 2025, 23:59 (Beijing time)'],
  ])('writes the instant %s', (instant, zh, en) => {
    expect(formatBeijingDateTime(instant)).toBe(zh);
    expect(formatBeijingDateTime(instant, 'zh-CN')).toBe(zh);
    expect(formatBeijingDateTime(new Date(instant), 'en')).toBe(en);
  });

  it.each([
    ['2026-11-26', '2026年11月26日', '26 Nov 2026'],
    ['2026-01-01', '2026年1月1日', '1 Jan 2026'],
    ['2028-02-29', '2028年2月29日', '29 Feb 2028'],
  ])('writes the Beijing calendar date %s', (date, zh, en) => {
    expect(formatBeijingDate(date)).toBe(zh);
    expect(formatBeijingDate(date, 'en')).toBe(en);
  });
});

describe('time left in a window', () => {
  const now = new Date('2026-11-26T07:00:00.000Z');
  const inMinutes = (minutes: number) => new Date(now.getTime() + minutes * 60_000).toISOString();

  it.each([
    [3 * 1440 + 4 * 60 + 30, '还剩 3 天 4 小时', '3 days 4 hours left'],
    [1440 + 60, '还剩 1 天 1 小时', '1 day 1 hour left'],
    [1440, '还剩 1 天 0 小时', '1 day 0 hours left'],
    [2 * 60 + 1, '还剩 2 小时 1 分钟', '2 hours 1 minute left'],
    [59, '还剩 59 分钟', '59 minutes left'],
    [1, '还剩 1 分钟', '1 minute left'],
    [-5, '还剩 0 分钟', '0 minutes left'],
  ])('says %i minutes in both languages', (minutes, zh, en) => {
    expect(timeLeft(inMinutes(minutes), now)).toBe(zh);
    expect(timeLeft(inMinutes(minutes), now, 'en')).toBe(en);
  });
});

describe('notice window bounds as officials write them', () => {
  it.each([
    // 00:00 on 3 December in Beijing is the end of 2 December: never "12月3日 00:00".
    ['2026-12-02T16:00:00.000Z', 'end', '2026年12月2日24时（北京时间）', '2 Dec 2026, 24:00 (Beijing time)'],
    ['2026-12-31T16:00:00.000Z', 'end', '2026年12月31日24时（北京时间）', '31 Dec 2026, 24:00 (Beijing time)'],
    ['2026-12-09T09:00:00.000Z', 'end', '2026年12月9日17时（北京时间）', '9 Dec 2026, 17:00 (Beijing time)'],
    ['2026-12-09T09:30:00.000Z', 'end', '2026年12月9日17时30分（北京时间）', '9 Dec 2026, 17:30 (Beijing time)'],
    ['2026-11-25T16:00:00.000Z', 'start', '2026年11月26日（北京时间）', '26 Nov 2026 (Beijing time)'],
    ['2026-11-26T01:00:00.000Z', 'start', '2026年11月26日9时（北京时间）', '26 Nov 2026, 09:00 (Beijing time)'],
  ] as const)('writes %s as the %s of a window', (instant, role, zh, en) => {
    expect(formatWindowTime(instant, role)).toBe(zh);
    expect(formatWindowTime(instant, role, 'en')).toBe(en);
  });
});
