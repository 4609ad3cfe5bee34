import { apiRoute, jsonResponse } from '../../../../lib/http/errors.ts';
import { queryParameters } from '../../../../lib/http/validation.ts';
import { parseNoticeListQuery } from '../../../../lib/notices/inputs.ts';
import { noticeSummaryJson } from '../../../../lib/notices/json.ts';
import { listNotices } from '../../../../lib/notices/repository.ts';

export const GET = apiRoute(
  async ({ url, locals }) => {
    const { page, ...filters } = parseNoticeListQuery(queryParameters(url));
    const list = await listNotices(locals.db, filters, page, locals.now);
    return jsonResponse(
      {
        total: list.total,
        listed: list.listed,
        page: list.page,
        pageCount: list.pageCount,
        items: list.items.map((notice) => noticeSummaryJson(notice, notice.state, locals.siteUrl)),
      },
      { corsOpen: true },
    );
  },
  { corsOpen: true },
);
