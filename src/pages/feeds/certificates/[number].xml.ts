import { certificateFeed } from '../../../lib/web/feeds/certificates.ts';
import { feedRoute } from '../../../lib/web/feeds/response.ts';

export const GET = feedRoute(({ params, locals }) => certificateFeed(locals.db, params.number ?? '', locals.siteUrl, locals.now));
