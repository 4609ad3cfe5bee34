import { MAX_NUMBER_LENGTH, verifyRequest } from '../../../../lib/domain/certificates/inputs.ts';
import { MAX_VERIFY_NUMBERS, verifyCertificates } from '../../../../lib/domain/certificates/verify.ts';
import { apiRoute, jsonResponse, preflightResponse } from '../../../../lib/web/http/errors.ts';
import { readJsonBody } from '../../../../lib/web/http/request-body.ts';
import { parseInput } from '../../../../lib/ground/validation.ts';

/**
 * Room for the documented maximum written the longest way JSON allows: 1,000 numbers of the
 * longest length, every character escaped (\uXXXX, 6 bytes), quoted, with a comma, plus room
 * for spacing.
 */
const BODY_LIMIT_BYTES = MAX_VERIFY_NUMBERS * (MAX_NUMBER_LENGTH * 6 + 4) + 64 * 1024;

// Programs in browsers on other sites verify too: the answer is open to any origin.
export const POST = apiRoute(
  async ({ request, locals }) => {
    const body = await readJsonBody(request, { bytes: BODY_LIMIT_BYTES });
    const { numbers } = parseInput(verifyRequest, body, 'invalid_request', 'unprocessable');
    const results = await verifyCertificates(locals.db, numbers, locals.today);
    return jsonResponse({ asOf: locals.today, results }, { corsOpen: true });
  },
  { corsOpen: true },
);

/** The CORS preflight a browser sends before posting JSON from another site. */
export const OPTIONS = () => preflightResponse(['POST']);
