/**
 * Typed domain errors. The domain throws them with a stable code and a message a person can
 * act on; the HTTP layer maps each kind to one status in one place (src/lib/http/errors.ts).
 */
export type DomainErrorKind =
  | 'invalid_input'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'too_large'
  | 'unsupported_media_type'
  | 'timeout'
  | 'unprocessable'
  | 'conflict'
  | 'rate_limited'
  | 'unavailable';

/** Marks domain errors across module copies (the server's scripts and the app's bundle each load this file). */
const DOMAIN_ERROR = Symbol.for('service-certification-portal.domain-error');

export class DomainError extends Error {
  readonly [DOMAIN_ERROR] = true;

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && DOMAIN_ERROR in value;
  }

  constructor(
    readonly kind: DomainErrorKind,
    readonly code: string,
    /** For programs (the JSON API), in English. */
    message: string,
    /** For people (the pages), in Chinese. */
    readonly messageZh: string,
    /** For rate limits and an unavailable database: when the caller may try again. */
    readonly retryAfterSeconds?: number,
    /** For the server log only: what really failed underneath (e.g. SQLITE_FULL: database or disk is full). */
    cause?: string,
  ) {
    super(message, { cause });
    this.name = 'DomainError';
  }
}
