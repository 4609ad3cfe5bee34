import type { PortalDb } from '../../db/database.ts';
import type { Selectable } from 'kysely';
import type { CertificationBodyTable, StoredCertificateStatus } from '../../db/registry.table.ts';
import { DomainError } from '../../ground/errors.ts';

/** A certification body as the public sees it: who it is, its approval, how to reach it. */
export type CertificationBody = Omit<Selectable<CertificationBodyTable>, 'id' | 'updatedAt'>;

const BODY_COLUMNS = ['code', 'name', 'approvalNumber', 'website', 'phone', 'address'] as const;

/** A body as stored, with the id that its certificates and notices refer to. */
export type StoredBody = CertificationBody & { id: number };

/** Every body, by code: a few hundred nationally, so the list is read whole. */
export function listBodies(db: PortalDb): Promise<CertificationBody[]> {
  return db.selectFrom('certificationBody').select(BODY_COLUMNS).orderBy('code').execute();
}

/** The body with this code; anything else is body_not_found. */
export async function requireBody(db: PortalDb, code: string): Promise<StoredBody> {
  const body = await db
    .selectFrom('certificationBody')
    .select(['id', ...BODY_COLUMNS])
    .where('code', '=', code)
    .executeTakeFirst();
  if (!body) {
    throw new DomainError('not_found', 'body_not_found', { code: code.slice(0, 50) });
  }
  return body;
}

/** How many certificates of a body have each status the public sees today (expired from the calendar). */
export interface CertificateCounts {
  valid: number;
  suspended: number;
  expired: number;
  withdrawn: number;
  cancelled: number;
  total: number;
}

/**
 * A body's certificates by status as of `today` (a Beijing date), from certificate_tally
 * (body, status, last valid day): ranges of its key, a row per day of expiry, never one per
 * certificate. A valid or suspended certificate past its last day is expired (certificates/status.ts).
 */
export async function certificateCountsOfBody(db: PortalDb, bodyId: number, today: string): Promise<CertificateCounts> {
  const count = async (status: StoredCertificateStatus, expiry?: 'current' | 'past') => {
    let query = db
      .selectFrom('certificateTally')
      .select((eb) => eb.fn.sum<number>('certificateTally.certificates').as('count'))
      .where('certificateTally.bodyId', '=', bodyId)
      .where('certificateTally.status', '=', status);
    if (expiry === 'current') query = query.where('certificateTally.expiresOn', '>=', today);
    if (expiry === 'past') query = query.where('certificateTally.expiresOn', '<', today);
    return Number((await query.executeTakeFirstOrThrow()).count ?? 0);
  };
  const [valid, suspended, validPast, suspendedPast, withdrawn, cancelled] = await Promise.all([
    count('valid', 'current'),
    count('suspended', 'current'),
    count('valid', 'past'),
    count('suspended', 'past'),
    count('withdrawn'),
    count('cancelled'),
  ]);
  const expired = validPast + suspendedPast;
  return { valid, suspended, expired, withdrawn, cancelled, total: valid + suspended + expired + withdrawn + cancelled };
}

/**
 * The schemes a body has certificates of, in the schemes' order: one existence test per
 * scheme (a few dozen) on the index certificate_body_scheme.
 */
export async function schemesOfBody(db: PortalDb, bodyId: number): Promise<{ code: string; name: string }[]> {
  return db
    .selectFrom('scheme')
    .select(['scheme.code', 'scheme.name'])
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('certificate')
          .select('certificate.id')
          .where('certificate.bodyId', '=', bodyId)
          .whereRef('certificate.schemeId', '=', 'scheme.id'),
      ),
    )
    .orderBy('scheme.id')
    .execute();
}
