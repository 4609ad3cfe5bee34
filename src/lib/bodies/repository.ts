import type { PortalDb } from '../db/database.ts';
import { DomainError } from '../errors.ts';

/** A certification body as the public sees it: who it is, its approval, how to reach it. */
export interface CertificationBody {
  code: string;
  name: string;
  approvalNumber: string;
  website: string | null;
  phone: string | null;
  address: string | null;
}

const BODY_COLUMNS = ['code', 'name', 'approvalNumber', 'website', 'phone', 'address'] as const;

/** Every body, by code: a few hundred nationally, so the list is read whole. */
export function listBodies(db: PortalDb): Promise<CertificationBody[]> {
  return db.selectFrom('certificationBody').select(BODY_COLUMNS).orderBy('code').execute();
}

/** The body with this code; anything else is body_not_found. */
export async function requireBody(db: PortalDb, code: string): Promise<CertificationBody> {
  const body = await db.selectFrom('certificationBody').select(BODY_COLUMNS).where('code', '=', code).executeTakeFirst();
  if (!body) {
    throw new DomainError(
      'not_found',
      'body_not_found',
      `No certification body has the code ${code.slice(0, 50)}. List the bodies with /api/v1/bodies.`,
      `未找到代码为 ${code.slice(0, 50)} 的认证机构。`,
    );
  }
  return body;
}
