import { noticeHistoryFeed } from '../../../lib/feeds/notice.ts';
import { feedRoute } from '../../../lib/feeds/response.ts';

export const GET = feedRoute(({ params, locals }) => noticeHistoryFeed(locals.db, params.id ?? '', locals.siteUrl, locals.now));
