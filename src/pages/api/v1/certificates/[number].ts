import { certificateJson } from '../../../../lib/certificates/json.ts';
import { findCertificateByNumber } from '../../../../lib/certificates/repository.ts';
import { DomainError } from '../../../../lib/errors.ts';
import { apiRoute, jsonResponse } from '../../../../lib/http/errors.ts';

export const GET = apiRoute(
  async ({ params, locals }) => {
    const number = params.number ?? '';
    const record = await findCertificateByNumber(locals.db, number);
    if (!record) {
      throw new DomainError(
        'not_found',
        'certificate_not_found',
        `No certificate numbered ${number} is registered. Check the number, or search with /api/v1/certificates?q=.`,
        `未找到编号为 ${number} 的证书。`,
      );
    }
    return jsonResponse(certificateJson(record, locals.today, locals.siteUrl), { corsOpen: true });
  },
  { corsOpen: true },
);
