import { apiRoute, jsonResponse } from '../../../../lib/web/http/errors.ts';
import { queryParameters } from '../../../../lib/ground/validation.ts';
import { parseNoticeListQuery } from '../../../../lib/domain/notices/inputs.ts';
import { noticeDetailsJson, noticeSummaryJson } from '../../../../lib/domain/notices/json.ts';
import { listNotices, noticesChangedAfter } from '../../../../lib/domain/notices/repository.ts';
import { asksForChanges, listChanges } from '../../../../lib/domain/sync/changes.ts';

export const GET = apiRoute(
  async ({ url, locals }) => {
    const query = queryParameters(url);
    if (asksForChanges(query)) {
      const page = await listChanges(
        'notices',
        query,
        (after, limit) => noticesChangedAfter(locals.db, after, limit),
        (notice) => noticeDetailsJson(notice, locals.siteUrl),
        locals,
      );
      return jsonResponse(page, { corsOpen: true });
    }
    const { page, ...filters } = parseNoticeListQuery(query);
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
