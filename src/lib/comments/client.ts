import { createHmac, randomBytes } from 'node:crypto';
import type { PortalDb } from '../db/database.ts';

/**
 * The commenter's network address, used for rate limiting only: the socket's address, or
 * behind a trusted reverse proxy the first X-Forwarded-For address (the original client).
 */
export function clientAddress(forwardedFor: string | null, socketAddress: string, trustProxy: boolean): string {
  if (trustProxy && forwardedFor) {
    const first = forwardedFor.split(',')[0]?.trim();
    if (first) return first;
  }
  return socketAddress;
}

const SALT_NAME = 'client-hash-salt';
let cachedSalt: { db: PortalDb; salt: string } | undefined;

/** The installation's salt, made on first use and kept in the database. */
async function clientHashSalt(db: PortalDb, now: Date): Promise<string> {
  if (cachedSalt?.db === db) return cachedSalt.salt;
  await db
    .insertInto('portalSecret')
    .values({ name: SALT_NAME, value: randomBytes(32).toString('hex'), createdAt: now.toISOString() })
    .onConflict((conflict) => conflict.column('name').doNothing())
    .execute();
  const { value } = await db.selectFrom('portalSecret').select('value').where('name', '=', SALT_NAME).executeTakeFirstOrThrow();
  cachedSalt = { db, salt: value };
  return value;
}

/** The only form in which a commenter's address is kept: a salted hash. */
export async function hashClient(db: PortalDb, address: string, now: Date): Promise<string> {
  const salt = await clientHashSalt(db, now);
  return createHmac('sha256', salt).update(address).digest('base64url');
}
