import { sha256 } from '@oslojs/crypto/sha2';
import { encodeHexLowerCase } from '@oslojs/encoding';

export const recoveryCodeCount = 10;

// Crockford's base32: digits and lower-case letters without i, l, o and u, so that nothing read off
// paper is ambiguous; normalising reads a typed i or l as 1 and o as 0. 256 is a multiple of 32,
// so one random byte masked to 5 bits picks each character without bias.
const alphabet = '0123456789abcdefghjkmnpqrstvwxyz';
const codeLength = 12;

/**
 * One-time codes that stand in for the authenticator when it is lost: 12 characters each, 60 random
 * bits, shown once as "xxxx-xxxx-xxxx" and kept only as hashRecoveryCode().
 */
export function generateRecoveryCodes(count = recoveryCodeCount): string[] {
  return Array.from({ length: count }, generateRecoveryCode);
}

function generateRecoveryCode(): string {
  const bytes = new Uint8Array(codeLength);
  crypto.getRandomValues(bytes);
  const characters = Array.from(bytes, (byte) => alphabet[byte & 31]).join('');
  return characters.replace(/(.{4})(?=.)/g, '$1-');
}

/** What the person meant to type: case, spaces and dashes ignored, look-alike letters read as digits. */
export function normaliseRecoveryCode(input: string): string {
  return input
    .toLowerCase()
    .replace(/[\s-]+/g, '')
    .replace(/[il]/g, '1')
    .replace(/o/g, '0');
}

// SHA-256 rather than argon2: 60 random bits cannot be guessed from the hash the way a chosen
// password can, and a fast hash lets the store look a code up by its hash directly.
/** SHA-256 of the normalised code as lower-case hex, so "ABCD-efgh-2345" and "abcdefgh2345" match. */
export function hashRecoveryCode(code: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(normaliseRecoveryCode(code))));
}
