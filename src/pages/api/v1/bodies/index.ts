import { bodyJson } from '../../../../lib/domain/bodies/json.ts';
import { listBodies } from '../../../../lib/domain/bodies/repository.ts';
import { apiRoute, jsonResponse } from '../../../../lib/web/http/errors.ts';

export const GET = apiRoute(
  async ({ locals }) => jsonResponse({ items: (await listBodies(locals.db)).map((body) => bodyJson(body, locals.siteUrl)) }, { corsOpen: true }),
  { corsOpen: true },
);
