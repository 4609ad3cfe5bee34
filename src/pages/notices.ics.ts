import { noticesCalendar } from '../lib/web/calendar/notices.ts';
import { calendarRoute } from '../lib/web/calendar/response.ts';
import { queryParameters } from '../lib/ground/validation.ts';
import { parseNoticeFeedQuery } from '../lib/domain/notices/inputs.ts';

export const GET = calendarRoute(({ url, locals }) =>
  noticesCalendar(locals.db, parseNoticeFeedQuery(queryParameters(url)), locals.siteUrl, locals.now),
);
