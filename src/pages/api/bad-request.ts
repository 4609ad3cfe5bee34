import type { APIRoute } from 'astro';
import { DomainError } from '../../lib/ground/errors.ts';
import { errorResponse } from '../../lib/web/http/errors.ts';

/** What the server answers for an API address it cannot decode (scripts/start.ts sends it here). */
export const ALL: APIRoute = () => errorResponse(new DomainError('invalid_input', 'malformed_address', {}), true);
