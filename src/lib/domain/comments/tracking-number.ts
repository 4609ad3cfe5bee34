import { randomBytes } from 'node:crypto';

/**
 * Tracking numbers: 75 random bits in Crockford base32 (no I, L, O, U), three groups of five,
 * e.g. "7K3MQ-9QX2A-BC4EF": unguessable, easy to read aloud and to type back.
 */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const GROUPS = 3;
const GROUP_LENGTH = 5;
const TRACKING_NUMBER = /^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/;

export function newTrackingNumber(): string {
  const bytes = randomBytes(GROUPS * GROUP_LENGTH);
  // Each byte's low five bits: uniform over the 32 symbols.
  const symbols = Array.from(bytes, (byte) => CROCKFORD[byte & 31]!);
  return Array.from({ length: GROUPS }, (_, group) => symbols.slice(group * GROUP_LENGTH, (group + 1) * GROUP_LENGTH).join('')).join('-');
}

/**
 * A typed tracking number in canonical form, or null: case, spaces and dashes do not
 * matter, and the letters people confuse are read as Crockford says (O as 0, I and L as 1).
 */
export function parseTrackingNumber(typed: string): string | null {
  const symbols = typed
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s\-\u2010-\u2015\u2212]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (symbols.length !== GROUPS * GROUP_LENGTH) return null;
  const canonical = symbols.match(/.{5}/g)!.join('-');
  return TRACKING_NUMBER.test(canonical) ? canonical : null;
}
