import { certificateJson } from '../../../../lib/certificates/json.ts';
import { certificateNotices } from '../../../../lib/certificates/life.ts';
import { requireCertificate } from '../../../../lib/certificates/repository.ts';
import { apiRoute, jsonResponse } from '../../../../lib/http/errors.ts';

export const GET = apiRoute(
  async ({ params, locals }) => {
    const record = await requireCertificate(locals.db, params.number ?? '');
    const notices = await certificateNotices(locals.db, record.id);
    return jsonResponse(certificateJson(record, locals.today, locals.siteUrl, { notices, now: locals.now }), { corsOpen: true });
  },
  { corsOpen: true },
);
