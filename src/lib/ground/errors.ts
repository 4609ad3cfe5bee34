import type { UsccProblem } from './organisations/uscc.ts';

/**
 * Typed domain errors. The domain throws them with a stable code and the facts of what
 * happened (its details, typed per code); the dictionaries say them to people in each
 * language (src/lib/i18n/errors.ts), and the HTTP layer maps each kind to one status and
 * each code to the API's message in one place (src/lib/web/http/errors.ts).
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

/** The notice list's filters (notices/inputs.ts validates each), named here so an error can say which were wrong. */
export type NoticeFilterName = 'state' | 'kind' | 'scheme' | 'province' | 'body' | 'year' | 'page';

/** Whose comments a limit counts (comments/submit.ts RATE_LIMITS): one address's, one contact's, or one contact's on one notice. */
export type RateLimitScope = 'address' | 'contact' | 'contact_notice';

/** Input that breaks its schema: the field and the schema's own rule for it (said to programs, in English). */
export interface SchemaProblem {
  problem: 'schema';
  field: string;
  rule: string;
  /** The notice list's filters that are wrong, each explained to people. */
  noticeFilters?: readonly NoticeFilterName[];
}

export type InvalidInput = SchemaProblem | { problem: 'not_searchable' };

/** Why the database could not take a write, as each database seam recognises it. */
export type StorageFailureReason =
  | 'locked_by_process'
  | 'locked_by_transaction'
  | 'disk_full'
  | 'read_only'
  | 'write_failed'
  | 'cannot_open'
  | 'not_a_database'
  | 'unreachable';

interface StorageFailureDetails {
  reason: StorageFailureReason;
  retryAfterSeconds: number;
}

/** One of the limits on comment submissions (comments/submit.ts RATE_LIMITS). */
export interface CommentLimit {
  scope: RateLimitScope;
  windowMs: number;
  max: number;
}

interface NoticeWindowDetails {
  reference: string;
  windowStart: string;
  windowEnd: string;
}

/** What each code says happened. */
export interface ErrorDetails {
  invalid_query: InvalidInput;
  invalid_request: InvalidInput;
  invalid_date: InvalidInput;
  query_too_long: { length: number; max: number };
  invalid_uscc: { uscc: string; problem: UsccProblem };
  invalid_cursor: { list: string };
  malformed_address: Record<string, never>;
  cross_site_form: { origin: string };
  json_expected: Record<string, never>;
  invalid_json: Record<string, never>;
  invalid_form: Record<string, never>;
  body_too_large: { limitBytes: number };
  body_too_slow: { seconds: number };
  body_incomplete: Record<string, never>;
  too_many_numbers: { count: number; max: number };
  certificate_not_found: { number: string };
  /** A notice a path names (`id` as written), or the one a comment was sent to. */
  notice_not_found: { id: string } | { commentedOn: number };
  body_not_found: { code: string };
  scheme_not_found: { scheme: string };
  no_such_endpoint: { path: string };
  method_not_allowed: { method: string; path: string };
  window_closed: NoticeWindowDetails & { state: 'upcoming' | 'closed' };
  notice_withdrawn: NoticeWindowDetails;
  too_many_requests: { retryAfterSeconds: number };
  too_many_comments: { limit: CommentLimit; retryAfterSeconds: number };
  too_many_comments_from_contact: { limit: CommentLimit; retryAfterSeconds: number };
  search_warming_up: Record<string, never>;
  search_unavailable: Record<string, never>;
  database_busy: StorageFailureDetails;
  database_full: StorageFailureDetails;
  database_read_only: StorageFailureDetails;
  database_io_error: StorageFailureDetails;
  database_unreachable: StorageFailureDetails;
}

export type ErrorCode = keyof ErrorDetails;

/** Words for every code: a table of them per audience is complete, or it does not compile. */
export type ErrorWords = { [Code in ErrorCode]: (details: ErrorDetails[Code]) => string };

/** What `words` say of `error`. */
export function sayError(words: ErrorWords, error: DomainError): string {
  // The code and its details go together (the constructor sees to it); TypeScript cannot follow them through the union.
  return (words[error.code] as (details: ErrorDetails[ErrorCode]) => string)(error.details);
}

/** Marks domain errors across module copies (the server's scripts and the app's bundle each load this file). */
const DOMAIN_ERROR = Symbol.for('service-certification-portal.domain-error');

export class DomainError<Code extends ErrorCode = ErrorCode> extends Error {
  readonly [DOMAIN_ERROR] = true;
  /** For rate limits and an unavailable database: when the caller may try again. */
  readonly retryAfterSeconds: number | undefined;

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && DOMAIN_ERROR in value;
  }

  constructor(
    readonly kind: DomainErrorKind,
    readonly code: Code,
    readonly details: ErrorDetails[Code],
    options: {
      retryAfterSeconds?: number;
      /** For the server log only: what really failed underneath (e.g. SQLITE_FULL: database or disk is full). */
      cause?: string;
    } = {},
  ) {
    super(code, { cause: options.cause });
    this.name = 'DomainError';
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}
