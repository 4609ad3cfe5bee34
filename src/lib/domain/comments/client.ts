import { createHmac, randomBytes } from 'node:crypto';
import { linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

/**
 * The secret that makes address hashes unguessable. It lives in a file of its own beside
 * the database (readable by its owner only), never in the database: a backup then holds
 * hashes no one can test addresses against. Made on first use; processes starting together
 * agree on one, since it is written aside and linked into place, which fails if another won.
 */
export function readClientSalt(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const aside = `${path}.${process.pid}.${randomBytes(6).toString('hex')}`;
  writeFileSync(aside, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(aside, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    rmSync(aside, { force: true });
  }
  return readFileSync(path, 'utf8').trim();
}

/** Where the salt of a SQLite database is kept. */
export const clientSaltPath = (databasePath: string): string => `${databasePath}.salt`;

/**
 * The only form in which a commenter's network address is kept, and for a day at most (the
 * rate limits' longest window): a salted hash. A client whose address is unknown (it hung up)
 * is counted under one shared key.
 */
export function hashClient(salt: string, address: string | null): string {
  return createHmac('sha256', salt)
    .update(address ?? 'unknown')
    .digest('base64url');
}

/**
 * The form in which the contact a comment gave (already normalised by the form) is counted
 * by the rate limits, for a day at most: a salted hash, apart from address hashes by its
 * prefix, and the same whatever the case of an e-mail address.
 */
export function hashContact(salt: string, contact: string): string {
  return createHmac('sha256', salt).update(`contact:${contact.toLowerCase()}`).digest('base64url');
}
