import { z } from 'zod';
import { feedRoute } from '../../lib/web/feeds/response.ts';
import { searchFeed } from '../../lib/web/feeds/search.ts';
import { parseInput, queryParameters } from '../../lib/ground/validation.ts';

const searchFeedParameters = z.object({
  q: z.string({ required_error: 'q is required: /feeds/search.xml?q=…' }).max(200, 'q has at most 200 characters'),
});

export const GET = feedRoute(({ url, locals }) =>
  searchFeed(locals.db, locals.noticeSearch, parseInput(searchFeedParameters, queryParameters(url), 'invalid_query').q, locals.siteUrl, locals.now),
);
