import { certificateSummaryJson } from '../../../../lib/certificates/json.ts';
import { lookupParameters } from '../../../../lib/certificates/inputs.ts';
import { lookupCertificates } from '../../../../lib/certificates/lookup.ts';
import { apiRoute, jsonResponse } from '../../../../lib/http/errors.ts';
import { parseInput, queryParameters } from '../../../../lib/http/validation.ts';

export const GET = apiRoute(
  async ({ url, locals }) => {
    const { q, page } = parseInput(lookupParameters, queryParameters(url), 'invalid_query');
    const result = await lookupCertificates(locals.db, q, page, locals.today);
    return jsonResponse(
      {
        query: result.query,
        matchedBy: result.matchedBy,
        total: result.total,
        totalCapped: result.totalCapped,
        page: result.page,
        pageCount: result.pageCount,
        items: result.items.map((summary) => certificateSummaryJson(summary, locals.siteUrl)),
      },
      { corsOpen: true },
    );
  },
  { corsOpen: true },
);
