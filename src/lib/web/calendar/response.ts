import type { APIContext, APIRoute } from 'astro';
import { conditionalResponse } from '../http/conditional.ts';
import { apiRoute } from '../http/errors.ts';
import { calendarVersion, renderCalendar, type Calendar } from './ics.ts';

/** Calendars are asked for every few hours by phones; a quarter of an hour is fresh enough for a window's news. */
const CALENDAR_MAX_AGE_SECONDS = 15 * 60;

/** An endpoint serving the calendar `build` makes, as text/calendar; bad input leaves as the API's JSON error. */
export function calendarRoute(build: (context: APIContext) => Promise<Calendar>): APIRoute {
  return apiRoute(
    async (context) => {
      const body = renderCalendar(await build(context));
      return conditionalResponse(context.request, {
        body,
        contentType: 'text/calendar; charset=utf-8',
        etag: calendarVersion(body),
        lastModified: null,
        cacheControl: `public, max-age=${CALENDAR_MAX_AGE_SECONDS}`,
        headers: { 'access-control-allow-origin': '*' },
      });
    },
    { corsOpen: true },
  );
}
