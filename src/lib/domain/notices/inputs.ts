import { z } from 'zod';
import { lookupParameters } from '../certificates/inputs.ts';
import { NOTICE_KINDS } from '../../db/notice.table.ts';
import { DomainError, type NoticeFilterName } from '../../ground/errors.ts';
import { parseInput } from '../../ground/validation.ts';

/** The states a list can be filtered by: a withdrawn notice is listed among the closed ones. */
export const NOTICE_LIST_STATES = ['open', 'upcoming', 'closed'] as const;

// Four-digit years keep the year's instant range comparable as ISO strings; service
// certification notices did not exist before 2000.
export const FIRST_NOTICE_YEAR = 2000;
export const LAST_NOTICE_YEAR = 2100;

/** The no-JS filter form sends every field, an unchosen one empty: empty means "any". */
function anyWhenEmpty<Schema extends z.ZodTypeAny>(schema: Schema) {
  return z.preprocess((value) => (value === '' ? undefined : value), schema.optional());
}

export const noticeListParameters = z.object({
  state: anyWhenEmpty(z.enum(NOTICE_LIST_STATES, { errorMap: () => ({ message: 'state must be open, upcoming or closed' }) })),
  kind: anyWhenEmpty(z.enum(NOTICE_KINDS, { errorMap: () => ({ message: `kind must be one of ${NOTICE_KINDS.join(', ')}` }) })),
  scheme: anyWhenEmpty(z.string().max(100, 'scheme must be a scheme code of at most 100 characters')),
  province: anyWhenEmpty(z.string().max(20, 'province must be at most 20 characters')),
  body: anyWhenEmpty(z.string().max(50, 'body must be a certification body code of at most 50 characters')),
  year: anyWhenEmpty(
    z.coerce
      .number({ invalid_type_error: 'year must be a four-digit year such as 2026' })
      .int('year must be a four-digit year such as 2026')
      .min(FIRST_NOTICE_YEAR, `year must be from ${FIRST_NOTICE_YEAR} to ${LAST_NOTICE_YEAR}`)
      .max(LAST_NOTICE_YEAR, `year must be from ${FIRST_NOTICE_YEAR} to ${LAST_NOTICE_YEAR}`),
  ),
  page: lookupParameters.shape.page,
}) satisfies z.ZodObject<Record<NoticeFilterName, z.ZodTypeAny>>;

export type NoticeListQuery = z.infer<typeof noticeListParameters>;

/**
 * The list filters from a URL's query. parseInput names the first problem for programs;
 * the error also lists every wrong filter, each explained to people (i18n/errors.ts).
 */
export function parseNoticeListQuery(query: Record<string, string>): NoticeListQuery {
  try {
    return parseInput(noticeListParameters, query, 'invalid_query');
  } catch (error) {
    if (!(error instanceof DomainError) || error.details.problem !== 'schema') throw error;
    const noticeFilters = (Object.keys(noticeListParameters.shape) as NoticeFilterName[]).filter(
      (name) => !noticeListParameters.shape[name].safeParse(query[name]).success,
    );
    throw new DomainError(error.kind, 'invalid_query', { ...error.details, noticeFilters });
  }
}

/**
 * A feed follows notices as they are published, so it is filtered by what a notice is about;
 * the list's state, year and page do not apply to it and are ignored.
 */
export const noticeFeedParameters = noticeListParameters.pick({ kind: true, scheme: true, province: true, body: true });

export type NoticeFeedFilters = z.infer<typeof noticeFeedParameters>;

export function parseNoticeFeedQuery(query: Record<string, string>): NoticeFeedFilters {
  return parseInput(noticeFeedParameters, query, 'invalid_query');
}
