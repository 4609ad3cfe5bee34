/** Days, Beijing instants and working days, as the demo data counts them. */
import type { Random } from './random.ts';

/** Days since 1970-01-01: plain integers keep date arithmetic fast for a million certificates. */
export type Day = number;

export const MINUTE_MS = 60_000;
export const DAY_MS = 24 * 60 * MINUTE_MS;
const BEIJING_OFFSET_MS = 8 * 60 * MINUTE_MS;
export const OPENING_MINUTE = 9 * 60;
const CLOSING_MINUTE = 17 * 60;

export const toDay = (date: string): Day => Date.parse(`${date}T00:00:00.000Z`) / DAY_MS;

/** Dates and instants are written for every row of a million certificates: each day and each minute of a day is formatted once. */
const dates = new Map<Day, string>();
const minutesOfDay = Array.from({ length: 24 * 60 }, (_, minute) => new Date(minute * MINUTE_MS).toISOString().slice(10));

export function dateOf(day: Day): string {
  let date = dates.get(day);
  if (date === undefined) {
    date = new Date(day * DAY_MS).toISOString().slice(0, 10);
    dates.set(day, date);
  }
  return date;
}
/** The instant `minute` minutes after 00:00 Beijing time on `day`. */
export const beijingInstant = (day: Day, minute: number): number => day * DAY_MS - BEIJING_OFFSET_MS + minute * MINUTE_MS;
/** The Beijing day an instant falls on. */
export const beijingDayOf = (instant: number): Day => Math.floor((instant + BEIJING_OFFSET_MS) / DAY_MS);
/** The stored form of an instant (toISOString); demo instants fall on whole minutes. */
export function isoOf(instant: number): string {
  const day = Math.floor(instant / DAY_MS);
  const minute = (instant - day * DAY_MS) / MINUTE_MS;
  return Number.isInteger(minute) ? dateOf(day) + minutesOfDay[minute]! : new Date(instant).toISOString();
}

/** Year, month and day of a day number (proleptic Gregorian; Howard Hinnant's days_from_civil, inverted). */
function civil(day: Day): [year: number, month: number, date: number] {
  const z = day + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shifted = Math.floor((5 * dayOfYear + 2) / 153);
  const date = dayOfYear - Math.floor((153 * shifted + 2) / 5) + 1;
  const month = shifted < 10 ? shifted + 3 : shifted - 9;
  return [yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, date];
}

function dayOfCivil(year: number, month: number, date: number): Day {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + date - 1;
  return era * 146097 + yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear - 719468;
}

const isLeapYear = (year: number) => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);

/** The same date `years` later; 29 February becomes 1 March in a common year, as Date.setUTCFullYear has it. */
export function plusYears(day: Day, years: number): Day {
  const [year, month, date] = civil(day);
  const target = year + years;
  return month === 2 && date === 29 && !isLeapYear(target) ? dayOfCivil(target, 3, 1) : dayOfCivil(target, month, date);
}

/** A certificate issued on `issuedOn` is valid up to and including this day. */
export const lastValidDay = (issuedOn: Day): Day => plusYears(issuedOn, 3) - 1;

/** Fixed-date public holidays only (month * 100 + day): the lunar ones (Spring Festival…) move each year and are left out. */
const FIXED_HOLIDAYS = new Set([101, 501, 502, 503, 1001, 1002, 1003, 1004, 1005, 1006, 1007]);

/** Per day since 1970: 0 not yet known, 1 a working day, 2 not. */
const workingDays = new Uint8Array(100 * 366);

export function isWorkingDay(day: Day): boolean {
  const known = workingDays[day];
  if (known) return known === 1;
  const weekday = (((day + 4) % 7) + 7) % 7;
  const [, month, date] = civil(day);
  const working = weekday !== 0 && weekday !== 6 && !FIXED_HOLIDAYS.has(month * 100 + date);
  if (day >= 0 && day < workingDays.length) workingDays[day] = working ? 1 : 2;
  return working;
}

export function workingDayOnOrBefore(day: Day): Day {
  while (!isWorkingDay(day)) day--;
  return day;
}

export function workingDayOnOrAfter(day: Day): Day {
  while (!isWorkingDay(day)) day++;
  return day;
}

export function chineseDate(day: Day): string {
  const [year, month, date] = dateOf(day).split('-');
  return `${year}年${Number(month)}月${Number(date)}日`;
}

/** The end of a date range, without the year or month it shares with the start: "13日" after "2025年6月11日". */
export function chineseDateAfter(first: Day, last: Day): string {
  const full = chineseDate(last);
  const [firstYear, firstMonth] = dateOf(first).split('-');
  const [lastYear, lastMonth] = dateOf(last).split('-');
  if (firstYear !== lastYear) return full;
  return firstMonth === lastMonth ? full.slice(full.indexOf('月') + 1) : full.slice(full.indexOf('年') + 1);
}

/** An instant during office hours on `day`. */
export const officeInstant = (random: Random, day: Day): number => beijingInstant(day, random.int(OPENING_MINUTE, CLOSING_MINUTE));

export interface NoticeWindow {
  start: number;
  end: number;
  lastDay: Day;
}

/** Counted in working days from the day after publication; it opens at 00:00 or at 09:00 Beijing time. */
export function noticeWindow(publishedOn: Day, length: number, opensAtNine: boolean): NoticeWindow {
  const firstDay = publishedOn + 1;
  let day = firstDay;
  let counted = 0;
  for (;;) {
    if (isWorkingDay(day) && ++counted === length) break;
    day++;
  }
  return {
    start: beijingInstant(firstDay, opensAtNine ? OPENING_MINUTE : 0),
    end: opensAtNine ? beijingInstant(day, CLOSING_MINUTE) : beijingInstant(day + 1, 0),
    lastDay: day,
  };
}
