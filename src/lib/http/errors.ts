import type { APIRoute } from 'astro';
import { DomainError, type DomainErrorKind } from '../errors.ts';

/** The one mapping from domain error kinds to HTTP statuses. */
export const HTTP_STATUS: Record<DomainErrorKind, number> = {
  invalid_input: 400,
  not_found: 404,
  conflict: 409,
  too_large: 413,
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

/** `{ "error": { "code", "message" } }` with the status its kind maps to; anything unexpected is a bare 500. */
export function errorResponse(error: unknown, corsOpen = false): Response {
  if (error instanceof DomainError) {
    return jsonResponse(
      { error: { code: error.code, message: error.message } },
      { status: HTTP_STATUS[error.kind], corsOpen, headers: retryAfterHeader(error) },
    );
  }
  // The details go to the server log only; the caller learns nothing of the internals.
  console.error('Unexpected error in API route:', error);
  return jsonResponse(
    { error: { code: 'internal_error', message: 'Something went wrong on our side. Please try again later.' } },
    { status: 500, corsOpen },
  );
}

/** Retry-After for a rate-limited answer, nothing otherwise. */
export function retryAfterHeader(error: DomainError): Record<string, string> {
  return error.retryAfterSeconds === undefined ? {} : { 'retry-after': String(error.retryAfterSeconds) };
}

/** Reads a JSON request body of at most `limitBytes`, with a clear error for anything else. */
export async function readJsonBody(request: Request, limitBytes: number): Promise<unknown> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > limitBytes) throw bodyTooLarge(limitBytes);
  const body = await readLimited(request, limitBytes);
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new DomainError(
      'invalid_input',
      'invalid_json',
      'The request body is not valid JSON.',
      '请求内容不是有效的 JSON。',
    );
  }
}

/** Reads a form post (URL-encoded or multipart) of at most `limitBytes`. */
export async function readFormBody(request: Request, limitBytes: number): Promise<FormData> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > limitBytes) throw bodyTooLarge(limitBytes);
  const body = await readLimited(request, limitBytes);
  try {
    return await new Response(new Uint8Array(body), { headers: { 'content-type': request.headers.get('content-type') ?? '' } }).formData();
  } catch {
    throw new DomainError('invalid_input', 'invalid_form', 'The request body is not a form submission.', '提交的内容不是有效的表单。');
  }
}

/** The body's bytes, refused once more than `limitBytes` have arrived (a missing or false Content-Length does not help). */
async function readLimited(request: Request, limitBytes: number): Promise<Buffer> {
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > limitBytes) {
      await reader.cancel();
      throw bodyTooLarge(limitBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function bodyTooLarge(limitBytes: number): DomainError {
  const kib = Math.round(limitBytes / 1024);
  return new DomainError(
    'too_large',
    'body_too_large',
    `The request body is larger than ${kib} KiB.`,
    `请求内容超过 ${kib} KiB。`,
  );
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
    if (error instanceof DomainError) return { ok: false, error, status: HTTP_STATUS[error.kind] };
    throw error;
  }
}
