import { DomainError, type StorageFailureReason } from '../ground/errors.ts';

/** Seconds to suggest before trying again when the database cannot take a write. */
export const STORAGE_RETRY_SECONDS = 30;

/** A storage failure a person can only wait out, as each database seam recognises it. */
export interface StorageFailure {
  domainCode: 'database_busy' | 'database_full' | 'database_read_only' | 'database_io_error' | 'database_unreachable';
  reason: StorageFailureReason;
}

/**
 * Said the same on every database: DomainError 'unavailable' (503 with Retry-After),
 * carrying the database's own code and message as its cause, which the log names.
 */
export function storageUnavailable(failure: StorageFailure, cause: string): DomainError {
  return new DomainError(
    'unavailable',
    failure.domainCode,
    { reason: failure.reason, retryAfterSeconds: STORAGE_RETRY_SECONDS },
    { retryAfterSeconds: STORAGE_RETRY_SECONDS, cause },
  );
}

/**
 * Whether a write could not get the database: a lock held past the wait (database_busy),
 * a full disk, a read-only or unwritable file, an unreachable server. Nothing of it was written.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  return error instanceof DomainError && error.kind === 'unavailable' && error.code.startsWith('database_');
}
