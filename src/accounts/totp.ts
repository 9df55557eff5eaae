import { encodeBase32UpperCaseNoPadding } from '@oslojs/encoding';
import { createTOTPKeyURI, verifyHOTP } from '@oslojs/otp';
import { renderSVG } from 'uqr';

// RFC 6238 with the settings every authenticator app understands: several apps ignore the
// algorithm, digits and period in the URI and always use SHA-1, 6 digits and 30 seconds, so any
// other choice would make codes that silently never match. (@oslojs/otp is SHA-1 only anyway.)
export const totpPeriodSeconds = 30;
export const totpDigits = 6;

// One step either side absorbs a phone clock that is up to ~30 s off and a code typed just as it
// rolled over, without keeping a code alive for more than about a minute and a half.
const allowedDriftSteps = 1;

/** A new shared secret: 20 random bytes, the HMAC-SHA-1 key size RFC 4226 recommends. */
export function createTotpKey(): Uint8Array {
  const key = new Uint8Array(20);
  crypto.getRandomValues(key);
  return key;
}

/** The otpauth:// URI an authenticator app reads from the QR code. */
export function totpKeyUri({ issuer, accountName, key }: { issuer: string; accountName: string; key: Uint8Array }): string {
  return createTOTPKeyURI(issuer, accountName, key, totpPeriodSeconds, totpDigits);
}

/** The key as apps ask for it when typed in: upper-case base32 in groups of 4, "GEZD GNBV GY3T …". */
export function formatKeyForTyping(key: Uint8Array): string {
  return encodeBase32UpperCaseNoPadding(key).replace(/(.{4})(?=.)/g, '$1 ');
}

/** The RFC 6238 time step (counter) that `now` falls in. */
export function totpStepAt(now: Date): number {
  return Math.floor(now.getTime() / 1000 / totpPeriodSeconds);
}

/**
 * The time step whose code `code` is, or undefined. The caller stores the step it gets and passes
 * it back as `lastUsedStep`: codes from that step or any earlier one are then refused, so each code
 * works once and an observed code cannot be replayed. Spaces are ignored ("123 456"); anything
 * other than 6 ASCII digits is refused.
 */
export function verifyTotpCode(
  key: Uint8Array,
  code: string,
  { now = new Date(), lastUsedStep }: { now?: Date; lastUsedStep?: number | undefined } = {},
): number | undefined {
  const digits = code.replace(/\s+/g, '');
  if (!/^[0-9]{6}$/.test(digits)) return undefined;
  const current = totpStepAt(now);
  let matched: number | undefined;
  // Every allowed step is checked, not just up to the first match, so the time taken does not
  // tell which step matched; the latest match wins so that it blocks the most.
  for (let step = current - allowedDriftSteps; step <= current + allowedDriftSteps; step++) {
    const unused = lastUsedStep === undefined || step > lastUsedStep;
    if (verifyHOTP(key, BigInt(step), totpDigits, digits) && unused) matched = step;
  }
  return matched;
}

/**
 * The URI as an SVG QR code, sized by its viewBox alone so CSS decides how big it is drawn. The
 * markup holds only uqr's squares and the escaped label, so it is safe to embed as raw HTML.
 */
export function totpQrSvg(uri: string, label = 'QR code to scan with your authenticator app'): string {
  // Medium error correction survives a glare or a smudge on a phone camera; the 4-module quiet
  // zone is what the QR standard asks for, and scanners find the code faster with it.
  const svg = renderSVG(uri, { ecc: 'M', border: 4, pixelSize: 1 });
  // crispEdges keeps anti-aliasing from drawing hairlines between neighbouring squares.
  return svg.replace('<svg ', `<svg role="img" aria-label="${escapeAttribute(label)}" shape-rendering="crispEdges" `);
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
