import { noticesCalendar } from '../lib/calendar/notices.ts';
import { calendarRoute } from '../lib/calendar/response.ts';
import { queryParameters } from '../lib/http/validation.ts';
import { parseNoticeFeedQuery } from '../lib/notices/inputs.ts';

export const GET = calendarRoute(({ url, locals }) => noticesCalendar(locals.db, parseNoticeFeedQuery(queryParameters(url)), locals.siteUrl, locals.now));
