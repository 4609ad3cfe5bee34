import { certificateFeed } from '../../../lib/feeds/certificates.ts';
import { feedRoute } from '../../../lib/feeds/response.ts';

export const GET = feedRoute(({ params, locals }) => certificateFeed(locals.db, params.number ?? '', locals.siteUrl, locals.now));
