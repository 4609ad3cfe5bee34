import { bodyFeed } from '../../../lib/feeds/body.ts';
import { feedRoute } from '../../../lib/feeds/response.ts';

export const GET = feedRoute(({ params, locals }) => bodyFeed(locals.db, params.code ?? '', locals.siteUrl, locals.now));
