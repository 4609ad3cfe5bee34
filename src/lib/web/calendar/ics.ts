import { createHash } from 'node:crypto';
import { toBeijingIso } from '../../ground/time/beijing.ts';

/** One public-notice window as a calendar event: the public may object from its start to its end. */
export interface WindowEvent {
  /** For ever the same for one notice, so a calendar updates the event instead of adding one. */
  uid: string;
  summary: string;
  description: string;
  url: string;
  start: string;
  end: string;
  /** When the notice last changed (DTSTAMP, LAST-MODIFIED). */
  updatedAt: string;
  cancelled: boolean;
  categories: string[];
}

export interface Calendar {
  name: string;
  description: string;
  events: WindowEvent[];
}

const ZONE = 'Asia/Shanghai';
/** China has kept UTC+8 all year since 1991: one STANDARD rule describes the zone. */
const VTIMEZONE = [
  'BEGIN:VTIMEZONE',
  `TZID:${ZONE}`,
  'BEGIN:STANDARD',
  'DTSTART:19700101T000000',
  'TZOFFSETFROM:+0800',
  'TZOFFSETTO:+0800',
  'TZNAME:CST',
  'END:STANDARD',
  'END:VTIMEZONE',
];

/** Text as RFC 5545 §3.3.11 escapes it, with what no calendar can carry (control characters) removed. */
function text(value: string): string {
  return value
    .replace(/[\u0000-\u0008\u000B-\u001F\u007F]/g, '')
    .replace(/\r\n?/g, '\n')
    .replace(/[\\;,]/g, (character) => `\\${character}`)
    .replace(/\n/g, '\\n');
}

/** Lines of at most 75 octets, continued with a space (RFC 5545 §3.1), never cutting a UTF-8 character. */
function folded(line: string): string {
  const pieces: string[] = [];
  let piece = '';
  let octets = 0;
  for (const character of line) {
    const size = Buffer.byteLength(character);
    // A continuation line starts with a space, which counts.
    if (octets + size > (pieces.length === 0 ? 75 : 74)) {
      pieces.push(piece);
      piece = '';
      octets = 0;
    }
    piece += character;
    octets += size;
  }
  pieces.push(piece);
  return pieces.join('\r\n ');
}

/** 20261126T150000, Beijing wall time, for a DTSTART;TZID=Asia/Shanghai. */
const beijingLocal = (instant: string) => toBeijingIso(instant).slice(0, 19).replace(/[-:]/g, '');
/** 20261126T070000Z. */
const utc = (instant: string) =>
  new Date(instant)
    .toISOString()
    .replace(/\.\d{3}/, '')
    .replace(/[-:]/g, '');

/** The calendar as iCalendar (RFC 5545) text: deadlines in Beijing time, with the zone, for any phone's calendar. */
export function renderCalendar(calendar: Calendar): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//service-certification-portal//notices//ZH',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${text(calendar.name)}`,
    `X-WR-CALDESC:${text(calendar.description)}`,
    `X-WR-TIMEZONE:${ZONE}`,
    ...VTIMEZONE,
    ...calendar.events.flatMap((event) => [
      'BEGIN:VEVENT',
      `UID:${text(event.uid)}`,
      `DTSTAMP:${utc(event.updatedAt)}`,
      `LAST-MODIFIED:${utc(event.updatedAt)}`,
      `DTSTART;TZID=${ZONE}:${beijingLocal(event.start)}`,
      `DTEND;TZID=${ZONE}:${beijingLocal(event.end)}`,
      `SUMMARY:${text(event.summary)}`,
      `DESCRIPTION:${text(event.description)}`,
      `URL:${event.url}`,
      `CATEGORIES:${event.categories.map(text).join(',')}`,
      `STATUS:${event.cancelled ? 'CANCELLED' : 'CONFIRMED'}`,
      'TRANSP:TRANSPARENT',
      ...(event.cancelled
        ? []
        : ['BEGIN:VALARM', 'ACTION:DISPLAY', `DESCRIPTION:${text(`${event.summary}：明天截止`)}`, 'TRIGGER;RELATED=END:-P1D', 'END:VALARM']),
      'END:VEVENT',
    ]),
    'END:VCALENDAR',
  ];
  return `${lines.map(folded).join('\r\n')}\r\n`;
}

/** A strong entity tag of the calendar's text: it holds no time of rendering, so the same data is the same bytes. */
export function calendarVersion(body: string): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
}
