import { createHash } from 'node:crypto';
import type { PortalDb } from '../db/database.ts';

/** Bump when what is indexed, or how, changes: saved indexes of another format are not loaded. */
const INDEX_FORMAT = 1;

/**
 * A fingerprint of everything the notice index is built from. Writers set updated_at
 * (docs/back-office.md), a deletion changes the count, so any change gives a new version.
 */
export async function noticeContentVersion(db: PortalDb): Promise<string> {
  const [notices, organisations, schemes] = await Promise.all([
    db
      .selectFrom('notice')
      .select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.max('updatedAt').as('updatedAt'), eb.fn.max('id').as('lastId')])
      .executeTakeFirstOrThrow(),
    db.selectFrom('organisation').select((eb) => eb.fn.max('updatedAt').as('updatedAt')).executeTakeFirstOrThrow(),
    db.selectFrom('scheme').select((eb) => eb.fn.max('updatedAt').as('updatedAt')).executeTakeFirstOrThrow(),
  ]);
  const fingerprint = JSON.stringify([INDEX_FORMAT, notices, organisations.updatedAt, schemes.updatedAt]);
  return createHash('sha256').update(fingerprint).digest('hex').slice(0, 16);
}
