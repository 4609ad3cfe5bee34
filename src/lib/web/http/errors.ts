import type { APIRoute } from 'astro';
import { DomainError, sayError, type DomainErrorKind } from '../../ground/errors.ts';
import { ERRORS_FOR_PROGRAMS, INTERNAL_ERROR_FOR_PROGRAMS } from '../../i18n/errors.ts';

/** The one mapping from domain error kinds to HTTP statuses. */
export const HTTP_STATUS: Record<DomainErrorKind, number> = {
  invalid_input: 400,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  timeout: 408,
  too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  rate_limited: 429,
  unavailable: 503,
};

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

/** A JSON answer; GET answers are open to any origin (CORS) so pages elsewhere can verify. */
export function jsonResponse(body: unknown, init: { status?: number; corsOpen?: boolean; headers?: Record<string, string> } = {}): Response {
  return new Response(JSON.stringify(body), {
    status: init.status ?? 200,
    headers: {
      ...JSON_HEADERS,
      ...(init.corsOpen ? { 'access-control-allow-origin': '*' } : {}),
      ...init.headers,
    },
  });
}

/** The answer to a CORS preflight: any origin may send these methods with a JSON body. */
export function preflightResponse(methods: readonly string[]): Response {
  return new Response(null, {
    status: 204,
    headers: {
      'access-control-allow-origin': '*',
      'access-control-allow-methods': methods.join(', '),
      'access-control-allow-headers': 'content-type',
      'access-control-max-age': '86400',
    },
  });
}

/** A domain error as the API says it: its code, and its message for programs. */
export function apiError(error: DomainError): { code: string; message: string } {
  return { code: error.code, message: sayError(ERRORS_FOR_PROGRAMS, error) };
}

/** `{ "error": { "code", "message" } }` with the status its kind maps to; anything unexpected is a bare 500. */
export function errorResponse(error: unknown, corsOpen = false): Response {
  if (error instanceof DomainError) {
    logUnavailable(error);
    return jsonResponse({ error: apiError(error) }, { status: HTTP_STATUS[error.kind], corsOpen, headers: retryAfterHeader(error) });
  }
  // The details go to the server log only; the caller learns nothing of the internals.
  console.error('Unexpected error in API route:', error);
  return jsonResponse({ error: { code: 'internal_error', message: INTERNAL_ERROR_FOR_PROGRAMS } }, { status: 500, corsOpen });
}

/**
 * A write the database could not take is logged with what really failed (SQLITE_FULL,
 * SQLITE_READONLY, a lock held too long): never with what was being written.
 */
function logUnavailable(error: DomainError): void {
  if (error.kind === 'unavailable' && error.cause !== undefined) console.error(`Nothing was saved (${error.code}): ${String(error.cause)}`);
}

/**
 * An answer under /api/ that Astro made itself (an endpoint without the method asked for
 * answers with its 404 page) becomes the API's error shape, so a program never reads HTML.
 */
export function asApiAnswer(response: Response, method: string, pathname: string): Response {
  if (response.ok || (response.headers.get('content-type') ?? '').includes('json')) return response;
  const error =
    response.status === 404 && method !== 'GET' && method !== 'HEAD'
      ? new DomainError('method_not_allowed', 'method_not_allowed', { method, path: pathname.slice(0, 80) })
      : new DomainError('not_found', 'no_such_endpoint', { path: pathname.slice(0, 80) });
  return errorResponse(error, true);
}

/** Retry-After for a rate-limited or unavailable answer, nothing otherwise. */
export function retryAfterHeader(error: DomainError): Record<string, string> {
  return error.retryAfterSeconds === undefined ? {} : { 'retry-after': String(error.retryAfterSeconds) };
}

/** Wraps an API route so that every failure leaves as the one JSON error shape. */
export function apiRoute(handler: APIRoute, options: { corsOpen: boolean }): APIRoute {
  return async (context) => {
    try {
      return await handler(context);
    } catch (error) {
      return errorResponse(error, options.corsOpen);
    }
  };
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: DomainError; status: number };

/** For pages: a domain error becomes a value to render with its status; anything else still throws. */
export async function settle<T>(work: () => Promise<T> | T): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    if (error instanceof DomainError) {
      logUnavailable(error);
      return { ok: false, error, status: HTTP_STATUS[error.kind] };
    }
    throw error;
  }
}
