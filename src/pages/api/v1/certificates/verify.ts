import { verifyRequest } from '../../../../lib/certificates/inputs.ts';
import { MAX_VERIFY_NUMBERS, verifyCertificates } from '../../../../lib/certificates/verify.ts';
import { apiRoute, jsonResponse, readJsonBody } from '../../../../lib/http/errors.ts';
import { parseInput } from '../../../../lib/http/validation.ts';

/** Room for 1,000 numbers of up to 100 characters each, quoted. */
const BODY_LIMIT_BYTES = MAX_VERIFY_NUMBERS * 110 + 1024;

export const POST = apiRoute(
  async ({ request, locals }) => {
    const body = await readJsonBody(request, BODY_LIMIT_BYTES);
    const { numbers } = parseInput(verifyRequest, body, 'invalid_request', 'unprocessable');
    const results = await verifyCertificates(locals.db, numbers, locals.today);
    return jsonResponse({ asOf: locals.today, results });
  },
  { corsOpen: false },
);
