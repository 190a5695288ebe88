// Secrets handed to people (invitation codes, calendar feed URLs): made from the system's random
// source, stored only as a hash, compared in constant time.
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

export function sha256Hex(value: string | Uint8Array): string {
  return createHash('sha256').update(value).digest('hex');
}

/** A URL-safe secret of `bytes` random bytes (base64url). */
export function newUrlSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Crockford's base32 without I, L, O and U: nothing to mistake for 1, 0 or V when read aloud or typed. */
const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A code a person can type: groups of four, e.g. "K7QM-4XPD-9ARB" (12 symbols, 60 bits). */
export function newTypableCode(groups = 3): string {
  const parts: string[] = [];
  for (let g = 0; g < groups; g++) {
    let part = '';
    for (let i = 0; i < 4; i++) part += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
    parts.push(part);
  }
  return parts.join('-');
}

/** A typed code as generated: upper case, without spaces or dashes, and the look-alikes read as meant. */
export function normalizeTypableCode(typed: string): string {
  return typed.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
}

/** Whether a presented secret's hash is the stored one, in time that does not depend on where they differ. */
export function secretMatches(presented: string, storedHashHex: string): boolean {
  const a = Buffer.from(sha256Hex(presented), 'hex');
  const b = Buffer.from(storedHashHex, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}
