import { decisionsFeed } from '../../lib/web/feeds/decisions.ts';
import { feedRoute } from '../../lib/web/feeds/response.ts';

export const GET = feedRoute(({ locals }) => decisionsFeed(locals.db, locals.siteUrl, locals.now));
