import { certificateSummaryJson } from '../../../lib/domain/certificates/json.ts';
import { apiError, apiRoute, jsonResponse } from '../../../lib/web/http/errors.ts';
import { parseInput, queryParameters } from '../../../lib/ground/validation.ts';
import { noticeSummaryJson } from '../../../lib/domain/notices/json.ts';
import { searchParameters } from '../../../lib/domain/search/inputs.ts';
import { searchPortal } from '../../../lib/domain/search/portal-search.ts';

export const GET = apiRoute(
  async ({ url, locals }) => {
    const { q, page, ...filters } = parseInput(searchParameters, queryParameters(url), 'invalid_query');
    const result = await searchPortal(locals.db, locals.noticeSearch, q, filters, page, locals.now, locals.today);
    // A half that could not answer (index warming up) makes the whole answer say so.
    if (!result.notices.ok) throw result.notices.error;
    return jsonResponse(
      {
        query: result.query,
        notices: {
          total: result.notices.total,
          rankedBy: result.notices.rankedBy,
          page: result.notices.page,
          pageCount: result.notices.pageCount,
          items: result.notices.items.map((notice) => ({
            ...noticeSummaryJson(notice, notice.state, locals.siteUrl),
            score: notice.score,
            snippet: notice.snippet,
          })),
          facets: result.notices.facets,
        },
        certificates: result.certificates.ok
          ? {
              total: result.certificates.lookup.total,
              totalCapped: result.certificates.lookup.totalCapped,
              matchedBy: result.certificates.lookup.matchedBy,
              items: result.certificates.lookup.items.map((summary) => certificateSummaryJson(summary, locals.siteUrl)),
            }
          : { total: 0, items: [], error: apiError(result.certificates.error) },
      },
      { corsOpen: true },
    );
  },
  { corsOpen: true },
);
