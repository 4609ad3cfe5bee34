import ICAL from 'ical.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { insertApplicant, insertListedNotice } from '../support/notice-fixtures.ts';
import { insertBodyAndScheme } from '../support/registry-fixtures.ts';
import { SITE_URL, usePortal } from '../support/server.ts';

/** Deadlines as a calendar, read back by ical.js (an iCalendar parser of its own): the zone, the windows, what a phone needs. */
const DAY = 24 * 60 * 60 * 1000;
const at = (offset: number) => new Date(Date.now() + offset).toISOString();

const ids: Record<string, number> = {};
const windows: Record<string, { start: string; end: string }> = {};

const portal = usePortal(async (test) => {
  const ground = await insertBodyAndScheme(test.db);
  const zhejiang = await insertApplicant(test.db, '温州瓯江家电售后服务有限公司', 'MA8000001');
  const guangdong = await insertApplicant(test.db, '东莞松山湖物业服务有限公司', 'MA8000002', '广东省');
  const fixtures: [string, number, number, number, 'published' | 'withdrawn'][] = [
    ['open', zhejiang, -DAY, 5 * DAY, 'published'],
    ['upcoming', guangdong, 2 * DAY, 9 * DAY, 'published'],
    ['closed', zhejiang, -9 * DAY, -DAY, 'published'],
    ['withdrawn', zhejiang, -DAY, 6 * DAY, 'withdrawn'],
    // Closes a few seconds into the test: the calendar must drop it then, cached or not.
    ['closing', guangdong, -DAY, DAY, 'published'],
  ];
  for (const [name, organisationId, start, end, status] of fixtures) {
    windows[name] = { start: at(start), end: at(end) };
    ids[name] = await insertListedNotice(test.db, ground, {
      reference: `GS-ICS-${name}`,
      organisationId,
      windowStart: windows[name].start,
      windowEnd: windows[name].end,
      status,
    });
  }
});
beforeAll(async () => {
  // Set once the portal runs (its start takes seconds).
  windows.closing!.end = at(4000);
  await portal.test.db.updateTable('notice').set({ windowEnd: windows.closing!.end }).where('id', '=', ids.closing!).execute();
});

async function calendarAt(path: string) {
  const response = await portal.get(path);
  expect(response.status, path).toBe(200);
  expect(response.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
  const text = await response.text();
  // RFC 5545: CRLF line ends, lines of at most 75 octets.
  expect(text.endsWith('\r\n')).toBe(true);
  for (const line of text.split('\r\n')) expect(Buffer.byteLength(line), line).toBeLessThanOrEqual(75);
  const calendar = new ICAL.Component(ICAL.parse(text));
  const zone = calendar.getFirstSubcomponent('vtimezone');
  expect(zone?.getFirstPropertyValue('tzid')).toBe('Asia/Shanghai');
  ICAL.TimezoneService.register(zone!);
  return { response, calendar, events: calendar.getAllSubcomponents('vevent').map((component) => new ICAL.Event(component)) };
}

describe('the notices calendar', () => {
  it('/notices.ics holds the open and upcoming windows with the zone, in Beijing time, soonest deadline first', async () => {
    const { calendar, events } = await calendarAt('/notices.ics');
    expect(calendar.getFirstPropertyValue('version')).toBe('2.0');
    expect(events.map((event) => event.uid)).toEqual(['closing', 'open', 'upcoming'].map((name) => `notice-${ids[name]}@cert.example.cn`));
    const open = events[1]!;
    expect(open.startDate.zone.tzid).toBe('Asia/Shanghai');
    expect(open.startDate.toJSDate().getTime()).toBe(Math.floor(Date.parse(windows.open!.start) / 1000) * 1000);
    expect(open.endDate.toJSDate().getTime()).toBe(Math.floor(Date.parse(windows.open!.end) / 1000) * 1000);
    expect(open.summary).toBe('公示期：温州瓯江家电售后服务有限公司 售后服务认证初次认证公示');
    expect(open.description).toContain('认证机构：测试认证中心');
    expect(open.description).toContain(`${SITE_URL}/notices/${ids.open}#comment-form`);
    expect(open.component.getFirstPropertyValue('url')).toBe(`${SITE_URL}/notices/${ids.open}`);
    // A reminder the day before it ends.
    expect(String(open.component.getFirstSubcomponent('valarm')?.getFirstPropertyValue('trigger'))).toBe('-P1D');
  });

  it('takes the list filters, a province in Chinese percent-encoded', async () => {
    const { events, calendar } = await calendarAt(`/notices.ics?province=${encodeURIComponent('广东省')}`);
    expect(events.map((event) => event.uid)).toEqual(['closing', 'upcoming'].map((name) => `notice-${ids[name]}@cert.example.cn`));
    expect(calendar.getFirstPropertyValue('x-wr-calname')).toBe('服务认证公示期：广东省');
    const bad = await portal.get('/notices.ics?kind=everything');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('invalid_query');
  });

  it('drops a window once it has closed, though its answer was kept a moment before', async () => {
    const first = await calendarAt('/notices.ics');
    expect(first.events.map((event) => event.uid)).toContain(`notice-${ids.closing}@cert.example.cn`);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(windows.closing!.end) - Date.now() + 200)));
    const { events } = await calendarAt('/notices.ics');
    expect(events.map((event) => event.uid)).toEqual(['open', 'upcoming'].map((name) => `notice-${ids[name]}@cert.example.cn`));
  });
});

describe('one notice as a calendar', () => {
  it('/notices/{id}.ics holds its window; a withdrawn one is cancelled; an unknown id is 404 in the error shape', async () => {
    const { events } = await calendarAt(`/notices/${ids.upcoming}.ics`);
    expect(events).toHaveLength(1);
    expect(events[0]!.component.getFirstPropertyValue('status')).toBe('CONFIRMED');
    expect(events[0]!.startDate.toJSDate().getTime()).toBe(Math.floor(Date.parse(windows.upcoming!.start) / 1000) * 1000);
    const withdrawn = (await calendarAt(`/notices/${ids.withdrawn}.ics`)).events[0]!;
    expect(withdrawn.component.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(withdrawn.summary).toMatch(/^（已撤回）/);
    const missing = await portal.get('/notices/999999.ics');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('notice_not_found');
  });

  it('is linked from the notice page, in both languages', async () => {
    for (const prefix of ['', '/en']) {
      const page = await portal.getText(`${prefix}/notices/${ids.open}`);
      expect(page).toContain(`href="${SITE_URL}/notices/${ids.open}.ics"`);
    }
  });
});
