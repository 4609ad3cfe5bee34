import { feedRoute } from '../../lib/feeds/response.ts';
import { overdueSurveillanceFeed } from '../../lib/feeds/surveillance.ts';

export const GET = feedRoute(({ locals }) => overdueSurveillanceFeed(locals.db, locals.siteUrl, locals.now));
