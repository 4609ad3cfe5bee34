import { feedRoute } from '../../lib/web/feeds/response.ts';
import { overdueSurveillanceFeed } from '../../lib/web/feeds/surveillance.ts';

export const GET = feedRoute(({ locals }) => overdueSurveillanceFeed(locals.db, locals.siteUrl, locals.now));
