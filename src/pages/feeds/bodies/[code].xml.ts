import { bodyFeed } from '../../../lib/web/feeds/body.ts';
import { feedRoute } from '../../../lib/web/feeds/response.ts';

export const GET = feedRoute(({ params, locals }) => bodyFeed(locals.db, params.code ?? '', locals.siteUrl, locals.now));
