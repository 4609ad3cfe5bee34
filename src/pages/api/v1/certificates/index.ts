import { certificateRecordJson, certificateSummaryJson, overdueLookupJson } from '../../../../lib/domain/certificates/json.ts';
import { lookupParameters } from '../../../../lib/domain/certificates/inputs.ts';
import { lookupCertificates } from '../../../../lib/domain/certificates/lookup.ts';
import { lookupOverdueCertificates } from '../../../../lib/domain/certificates/overdue.ts';
import { apiRoute, jsonResponse } from '../../../../lib/web/http/errors.ts';
import { parseInput, queryParameters } from '../../../../lib/ground/validation.ts';
import { certificatesChangedAfter } from '../../../../lib/domain/certificates/repository.ts';
import { asksForChanges, listChanges } from '../../../../lib/domain/sync/changes.ts';

export const GET = apiRoute(
  async ({ url, locals }) => {
    const query = queryParameters(url);
    if (asksForChanges(query)) {
      const page = await listChanges(
        'certificates',
        query,
        (after, limit) => certificatesChangedAfter(locals.db, after, limit),
        (record) => certificateRecordJson(record, locals.siteUrl),
        locals,
      );
      return jsonResponse(page, { corsOpen: true });
    }
    const { q, page, surveillance, ...filters } = parseInput(lookupParameters, query, 'invalid_query');
    if (surveillance === 'overdue') {
      return jsonResponse(overdueLookupJson(await lookupOverdueCertificates(locals.db, q, page, locals.today), locals.siteUrl), { corsOpen: true });
    }
    const result = await lookupCertificates(locals.db, q, page, locals.today, filters);
    return jsonResponse(
      {
        query: result.query,
        matchedBy: result.matchedBy,
        total: result.total,
        totalCapped: result.totalCapped,
        listed: result.listed,
        // Per value of each filter, the other filters applied; over the first `total` matches when totalCapped.
        facets: result.facets,
        page: result.page,
        pageCount: result.pageCount,
        items: result.items.map((summary) => certificateSummaryJson(summary, locals.siteUrl)),
      },
      { corsOpen: true },
    );
  },
  { corsOpen: true },
);
