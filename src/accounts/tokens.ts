import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';

// 20 bytes = 160 bits, the Lucia session guide's size and the floor the security baseline sets
// for session, e-mail verification and password reset tokens alike.
const tokenBytes = 20;

/** A fresh secret for a cookie or a link: 32 characters of lower-case base32, safe in URLs as is. */
export function generateToken(): string {
  const bytes = new Uint8Array(tokenBytes);
  crypto.getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes);
}

// Only this hash is stored, so a leaked table or backup holds nothing a browser could present.
// A fast hash is enough: the token has 160 random bits, there is nothing to guess.
/** SHA-256 of the token as 64 lower-case hex characters: the key under which the store keeps it. */
export function hashToken(token: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}
