import { bodyProfileJson } from '../../../../lib/domain/bodies/json.ts';
import { certificateCountsOfBody, requireBody, schemesOfBody } from '../../../../lib/domain/bodies/repository.ts';
import { apiRoute, jsonResponse } from '../../../../lib/web/http/errors.ts';

export const GET = apiRoute(
  async ({ params, locals }) => {
    const body = await requireBody(locals.db, params.code ?? '');
    const [schemes, certificates] = await Promise.all([schemesOfBody(locals.db, body.id), certificateCountsOfBody(locals.db, body.id, locals.today)]);
    return jsonResponse(bodyProfileJson(body, schemes, certificates, locals.siteUrl), { corsOpen: true });
  },
  { corsOpen: true },
);
