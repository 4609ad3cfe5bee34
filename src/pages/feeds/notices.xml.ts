import { noticesFeed } from '../../lib/web/feeds/notices.ts';
import { feedRoute } from '../../lib/web/feeds/response.ts';
import { queryParameters } from '../../lib/ground/validation.ts';
import { parseNoticeFeedQuery } from '../../lib/domain/notices/inputs.ts';

export const GET = feedRoute(({ url, locals }) => noticesFeed(locals.db, parseNoticeFeedQuery(queryParameters(url)), locals.siteUrl, locals.now));
