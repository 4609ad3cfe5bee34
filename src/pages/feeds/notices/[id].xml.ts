import { noticeHistoryFeed } from '../../../lib/web/feeds/notice.ts';
import { feedRoute } from '../../../lib/web/feeds/response.ts';

export const GET = feedRoute(({ params, locals }) => noticeHistoryFeed(locals.db, params.id ?? '', locals.siteUrl, locals.now));
