import { decisionsFeed } from '../../lib/feeds/decisions.ts';
import { feedRoute } from '../../lib/feeds/response.ts';

export const GET = feedRoute(({ locals }) => decisionsFeed(locals.db, locals.siteUrl, locals.now));
