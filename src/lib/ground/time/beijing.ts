/**
 * Beijing time (Asia/Shanghai, UTC+8, no daylight saving since 1991). Instants are stored
 * in UTC; calendar dates (a certificate's end date, a "was it valid on" day) are Beijing
 * dates written YYYY-MM-DD.
 */
import { DEFAULT_LOCALE, type Locale } from '../language/locales.ts';

const BEIJING_OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The Beijing calendar date of an instant. */
export function beijingDate(instant: Date): string {
  return new Date(instant.getTime() + BEIJING_OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant a Beijing calendar day begins (00:00 Beijing time). */
export function startOfBeijingDay(date: string): Date {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) - BEIJING_OFFSET_MS);
}

/** The Beijing date `days` after `date` (negative goes back). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * The date `months` calendar months after `date` (negative goes back). A day the month lacks
 * rolls over into the next, 2024-02-29 + 12 months = 2025-03-01, as SQLite's
 * date(…, '+12 months') does, so the two sides of an index agree.
 */
export function addMonths(date: string, months: number): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1 + months, day)).toISOString().slice(0, 10);
}

/** True for a real calendar date written YYYY-MM-DD (rejects 2026-02-30). */
export function isCalendarDate(text: string): boolean {
  const match = ISO_DATE.exec(text);
  if (!match) return false;
  const parsed = new Date(`${text}T00:00:00.000Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === text;
}

/**
 * Beijing's calendar fields of an instant, by arithmetic: Beijing keeps UTC+8 all year, and
 * Intl's time-zone formatting was a few per cent of a list page's CPU. Written as zh-CN's
 * long date and en-US's short months write them (the same text for every instant since 1991).
 */
const ENGLISH_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function beijingFields(instant: Date): { year: number; month: number; day: number; hour: string; minute: string } {
  const shifted = new Date(instant.getTime() + BEIJING_OFFSET_MS);
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    hour: String(shifted.getUTCHours()).padStart(2, '0'),
    minute: String(shifted.getUTCMinutes()).padStart(2, '0'),
  };
}

/** "2026年11月26日" or "26 Nov 2026" for a Beijing calendar date. */
export function formatBeijingDate(date: string, locale: Locale = DEFAULT_LOCALE): string {
  const { year, month, day } = beijingFields(startOfBeijingDay(date));
  return locale === DEFAULT_LOCALE ? `${year}年${month}月${day}日` : `${day} ${ENGLISH_MONTHS[month - 1]} ${year}`;
}

/** "2026年11月26日 15:00（北京时间）" or "26 Nov 2026, 15:00 (Beijing time)" for an instant: the zone is always said. */
export function formatBeijingDateTime(instant: Date | string, locale: Locale = DEFAULT_LOCALE): string {
  const { year, month, day, hour, minute } = beijingFields(new Date(instant));
  if (locale === DEFAULT_LOCALE) return `${year}年${month}月${day}日 ${hour}:${minute}（北京时间）`;
  return `${day} ${ENGLISH_MONTHS[month - 1]} ${year}, ${hour}:${minute} (Beijing time)`;
}

/** ISO 8601 with the Beijing offset, for machine-readable answers: 2026-11-26T15:00:00.000+08:00. */
export function toBeijingIso(instant: Date | string): string {
  const shifted = new Date(new Date(instant).getTime() + BEIJING_OFFSET_MS);
  return `${shifted.toISOString().slice(0, 23)}+08:00`;
}

/**
 * An instant as a Chinese official notice writes it, Beijing time: 2026年12月9日17时,
 * 2026年12月9日17时30分. An end at 00:00 is the end of the day before, 2026年12月8日24时, since
 * "12月9日0时" is read as including the 9th; a start at 00:00 is the day itself, 2026年12月2日.
 */
export function officialBeijingTime(instant: Date | string, role: 'start' | 'end'): string {
  const moment = new Date(instant);
  const date = beijingDate(moment);
  const sinceMidnight = moment.getTime() - startOfBeijingDay(date).getTime();
  if (sinceMidnight === 0) return role === 'end' ? `${formatBeijingDate(addDays(date, -1))}24时` : formatBeijingDate(date);
  const hours = Math.floor(sinceMidnight / 3_600_000);
  const minutes = Math.floor((sinceMidnight % 3_600_000) / 60_000);
  return `${formatBeijingDate(date)}${hours}时${minutes === 0 ? '' : `${minutes}分`}`;
}

/**
 * A bound of a notice window on a page, feed or message, zone said: officialBeijingTime's
 * form in Chinese, "2026年12月2日24时（北京时间）"; in English "2 Dec 2026, 24:00 (Beijing
 * time)" for an end at 00:00 (never "3 Dec, 00:00", which reads as including the 3rd), the
 * day alone for a start at 00:00, otherwise the day and time. Every window bound shown goes through here.
 */
export function formatWindowTime(instant: Date | string, role: 'start' | 'end', locale: Locale = DEFAULT_LOCALE): string {
  if (locale === DEFAULT_LOCALE) return `${officialBeijingTime(instant, role)}（北京时间）`;
  const moment = new Date(instant);
  const day = beijingDate(moment);
  if (moment.getTime() !== startOfBeijingDay(day).getTime()) return formatBeijingDateTime(moment, locale);
  return role === 'end' ? `${formatBeijingDate(addDays(day, -1), locale)}, 24:00 (Beijing time)` : `${formatBeijingDate(day, locale)} (Beijing time)`;
}
