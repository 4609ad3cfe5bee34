import type { PortalDb } from '../../db/database.ts';
import { DomainError } from '../../ground/errors.ts';
import { certificateNumberKey } from '../../ground/text/normalise.ts';
import { statusOnDay, type CertificateStatus } from './status.ts';

export const MAX_VERIFY_NUMBERS = 1000;

export interface VerificationResult {
  /** The number as asked, so callers can match answers to their own records. */
  number: string;
  found: boolean;
  status: CertificateStatus | null;
  /** The number as the registry writes it, when found. */
  registeredNumber: string | null;
}

/** Bulk verification: one answer per number, in the order asked; dash and case variants match. */
export async function verifyCertificates(db: PortalDb, numbers: readonly string[], today: string): Promise<VerificationResult[]> {
  if (numbers.length > MAX_VERIFY_NUMBERS) {
    throw new DomainError('too_large', 'too_many_numbers', { count: numbers.length, max: MAX_VERIFY_NUMBERS });
  }
  const keys = [...new Set(numbers.map(certificateNumberKey).filter((key) => key !== ''))];
  const byKey = new Map<string, { number: string; status: CertificateStatus }>();
  // Chunks keep every statement well under any database's limit on bound parameters.
  for (let start = 0; start < keys.length; start += 500) {
    const rows = await db
      .selectFrom('certificate')
      .select(['number', 'numberKey', 'status', 'expiresOn'])
      .where('numberKey', 'in', keys.slice(start, start + 500))
      .execute();
    for (const row of rows) {
      byKey.set(row.numberKey, { number: row.number, status: statusOnDay(row.status, row.expiresOn, today) });
    }
  }
  return numbers.map((number) => {
    const match = byKey.get(certificateNumberKey(number));
    return { number, found: match !== undefined, status: match?.status ?? null, registeredNumber: match?.number ?? null };
  });
}
