import { z } from 'zod';
import { noticeListParameters } from '../notices/inputs.ts';

/** The search box and the facets that narrow it: the notice list's filters plus the query. */
export const searchParameters = noticeListParameters.extend({
  q: z.string().default(''),
});
