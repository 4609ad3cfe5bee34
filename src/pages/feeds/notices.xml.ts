import { noticesFeed } from '../../lib/feeds/notices.ts';
import { feedRoute } from '../../lib/feeds/response.ts';
import { queryParameters } from '../../lib/http/validation.ts';
import { parseNoticeFeedQuery } from '../../lib/notices/inputs.ts';

export const GET = feedRoute(({ url, locals }) =>
  noticesFeed(locals.db, parseNoticeFeedQuery(queryParameters(url)), locals.siteUrl, locals.now),
);
