import { z } from 'zod';
import { lookupParameters } from '../certificates/inputs.ts';
import { NOTICE_KINDS } from '../db/notice.table.ts';
import { DomainError } from '../errors.ts';
import { parseInput } from '../http/validation.ts';

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
});

export type NoticeListQuery = z.infer<typeof noticeListParameters>;

/** What each parameter accepts, said to people. */
const PARAMETER_RULES_ZH: Record<keyof NoticeListQuery, string> = {
  state: '“公示状态”只能是公示中（open）、即将公示（upcoming）或公示已结束（closed）。',
  kind: '“公示类型”只能是初次认证、监督审核、再认证、等级变更或范围变更。',
  scheme: '“认证类别”应为不超过 100 个字符的类别代码。',
  province: '“省份”最多 20 个字符。',
  body: '“认证机构”应为不超过 50 个字符的机构代码。',
  year: `“年份”应为 ${FIRST_NOTICE_YEAR} 至 ${LAST_NOTICE_YEAR} 之间的四位数年份，例如 2026。`,
  page: '“页码”应为 1 至 100000 之间的整数。',
};

/**
 * The list filters from a URL's query. parseInput's message names the first problem in
 * English for programs; people get every wrong parameter explained in Chinese.
 */
export function parseNoticeListQuery(query: Record<string, string>): NoticeListQuery {
  try {
    return parseInput(noticeListParameters, query, 'invalid_query');
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const rules = (Object.keys(PARAMETER_RULES_ZH) as (keyof NoticeListQuery)[])
      .filter((name) => !noticeListParameters.shape[name].safeParse(query[name]).success)
      .map((name) => PARAMETER_RULES_ZH[name]);
    throw new DomainError(error.kind, error.code, error.message, `筛选条件有误：${rules.join('')}`);
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
