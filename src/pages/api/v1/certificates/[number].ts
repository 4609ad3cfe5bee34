import { certificateJson } from '../../../../lib/domain/certificates/json.ts';
import { certificateNotices } from '../../../../lib/domain/certificates/life.ts';
import { requireCertificate } from '../../../../lib/domain/certificates/repository.ts';
import { apiRoute, jsonResponse } from '../../../../lib/web/http/errors.ts';

export const GET = apiRoute(
  async ({ params, locals }) => {
    const record = await requireCertificate(locals.db, params.number ?? '');
    const notices = await certificateNotices(locals.db, record.id);
    return jsonResponse(certificateJson(record, locals.today, locals.siteUrl, { notices, now: locals.now }), { corsOpen: true });
  },
  { corsOpen: true },
);
