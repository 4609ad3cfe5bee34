import { z } from 'zod';
import { isCalendarDate, startOfBeijingDay } from './beijing.ts';

// zod's check also rejects impossible calendar days (2026-02-30T…), which Date would roll over.
const isoWithOffset = z.string().datetime({ offset: true });

/**
 * An ISO 8601 instant that says its offset, "2026-11-26T15:00:00+08:00" or "…Z", or null.
 * Without an offset a time is ambiguous (Beijing or UTC?), so it is refused, not guessed.
 */
export function parseInstant(text: string): Date | null {
  if (!isoWithOffset.safeParse(text).success) return null;
  const instant = new Date(text);
  return Number.isNaN(instant.getTime()) ? null : instant;
}

/** A Beijing date (YYYY-MM-DD, meaning 00:00 Beijing time that day) or an instant with its offset, or null. */
export function parseBeijingDayOrInstant(text: string): Date | null {
  return isCalendarDate(text) ? startOfBeijingDay(text) : parseInstant(text);
}
