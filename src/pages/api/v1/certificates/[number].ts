import { certificateJson } from '../../../../lib/certificates/json.ts';
import { requireCertificate } from '../../../../lib/certificates/repository.ts';
import { apiRoute, jsonResponse } from '../../../../lib/http/errors.ts';

export const GET = apiRoute(
  async ({ params, locals }) => {
    const record = await requireCertificate(locals.db, params.number ?? '');
    return jsonResponse(certificateJson(record, locals.today, locals.siteUrl), { corsOpen: true });
  },
  { corsOpen: true },
);
