import { openApiDocument } from '../../../lib/web/api/openapi.ts';
import { apiRoute, jsonResponse } from '../../../lib/web/http/errors.ts';

/** Built once per address and limit: it depends on nothing else. */
const documents = new Map<string, ReturnType<typeof openApiDocument>>();

export const GET = apiRoute(
  async ({ locals }) => {
    const { siteUrl } = locals;
    const perMinute = locals.portal.config.apiRequestsPerMinute;
    const key = `${perMinute} ${siteUrl}`;
    if (!documents.has(key)) documents.set(key, openApiDocument(siteUrl, perMinute));
    return jsonResponse(documents.get(key), { corsOpen: true });
  },
  { corsOpen: true },
);
