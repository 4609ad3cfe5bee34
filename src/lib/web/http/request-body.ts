import { DomainError } from '../../ground/errors.ts';

/** How long a request body may take to arrive: a body trickled in slowly must not outlast the window it is judged by. */
export const BODY_DEADLINE_MILLISECONDS = 30_000;

interface BodyLimits {
  bytes: number;
  /** Milliseconds from now until the whole body must have arrived. */
  within?: number;
}

/** Reads a JSON request body (Content-Type application/json) within the limits, with a clear error for anything else. */
export async function readJsonBody(request: Request, limits: BodyLimits): Promise<unknown> {
  const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json' && !type.endsWith('+json')) {
    throw new DomainError('unsupported_media_type', 'json_expected', {});
  }
  const body = await readLimited(request, limits);
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new DomainError('invalid_input', 'invalid_json', {});
  }
}

/** Reads a form post (URL-encoded or multipart) within the limits. */
export async function readFormBody(request: Request, limits: BodyLimits): Promise<FormData> {
  const body = await readLimited(request, limits);
  try {
    return await new Response(new Uint8Array(body), { headers: { 'content-type': request.headers.get('content-type') ?? '' } }).formData();
  } catch {
    throw new DomainError('invalid_input', 'invalid_form', {});
  }
}

/**
 * The body's bytes, refused once more than `limits.bytes` have arrived (a missing or false
 * Content-Length does not help), or when it has not all arrived in time.
 */
async function readLimited(request: Request, { bytes, within = BODY_DEADLINE_MILLISECONDS }: BodyLimits): Promise<Buffer> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > bytes) throw bodyTooLarge(bytes);
  if (!request.body) return Buffer.alloc(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(bodyTooSlow(within)), within);
  });
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), late]);
      if (done) break;
      received += value.byteLength;
      if (received > bytes) throw bodyTooLarge(bytes);
      chunks.push(value);
    }
  } catch (error) {
    await reader.cancel().catch(() => {});
    // A client that hung up mid-body sent no request to answer.
    throw error instanceof DomainError ? error : bodyIncomplete();
  } finally {
    clearTimeout(timer);
  }
  return Buffer.concat(chunks);
}

function bodyTooLarge(limitBytes: number): DomainError {
  return new DomainError('too_large', 'body_too_large', { limitBytes });
}

function bodyTooSlow(milliseconds: number): DomainError {
  return new DomainError('timeout', 'body_too_slow', { seconds: Math.round(milliseconds / 1000) });
}

function bodyIncomplete(): DomainError {
  return new DomainError('invalid_input', 'body_incomplete', {});
}
