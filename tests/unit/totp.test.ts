import { createHmac } from 'node:crypto';
import { decodeBase32 } from '@oslojs/encoding';
import { encode } from 'uqr';
import { describe, expect, it } from 'vitest';
import {
  createTotpKey,
  formatKeyForTyping,
  totpKeyUri,
  totpQrSvg,
  totpStepAt,
  verifyTotpCode,
} from '../../src/accounts/totp.js';

// RFC 6238 appendix B: the SHA-1 test key is the ASCII bytes of "12345678901234567890".
const rfcKey = new TextEncoder().encode('12345678901234567890');

/** RFC 4226 HOTP written out with node:crypto, independent of the code under test. */
function referenceHotp(key: Uint8Array, counter: number, digits: number): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', key).update(message).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

const stepOf = (unixSeconds: number) => Math.floor(unixSeconds / 30);
const at = (unixSeconds: number) => new Date(unixSeconds * 1000);

describe('the reference HOTP', () => {
  // The appendix's 8-digit SHA-1 vectors; a 6-digit code is the same number mod 10^6.
  it.each([
    [59, '94287082'],
    [1111111109, '07081804'],
    [1111111111, '14050471'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
    [20000000000, '65353130'],
  ])('matches RFC 6238 at T = %i', (time, expected) => {
    expect(referenceHotp(rfcKey, stepOf(time), 8)).toBe(expected);
  });
});

describe('verifyTotpCode', () => {
  it.each([
    [59, '287082'],
    [1111111109, '081804'],
    [1111111111, '050471'],
    [1234567890, '005924'],
    [2000000000, '279037'],
    [20000000000, '353130'],
  ])('accepts the RFC 6238 code at T = %i (last 6 digits) and returns its step', (time, code) => {
    expect(verifyTotpCode(rfcKey, code, { now: at(time) })).toBe(stepOf(time));
  });

  const key = createTotpKey();
  const now = at(1_800_000_015);
  const current = totpStepAt(now);
  const codeAt = (step: number) => referenceHotp(key, step, 6);

  it('works out the step as Unix time over 30 seconds', () => {
    expect(totpStepAt(at(59))).toBe(1);
    expect(totpStepAt(at(60))).toBe(2);
    expect(current).toBe(60_000_000);
  });

  it('accepts one step of clock drift either way, not two', () => {
    expect(verifyTotpCode(key, codeAt(current), { now })).toBe(current);
    expect(verifyTotpCode(key, codeAt(current - 1), { now })).toBe(current - 1);
    expect(verifyTotpCode(key, codeAt(current + 1), { now })).toBe(current + 1);
    expect(verifyTotpCode(key, codeAt(current - 2), { now })).toBeUndefined();
    expect(verifyTotpCode(key, codeAt(current + 2), { now })).toBeUndefined();
  });

  it('refuses a code from the step already used, or an earlier one', () => {
    const used = verifyTotpCode(key, codeAt(current), { now });
    expect(used).toBe(current);
    expect(verifyTotpCode(key, codeAt(current), { now, lastUsedStep: used })).toBeUndefined();
    expect(verifyTotpCode(key, codeAt(current - 1), { now, lastUsedStep: used })).toBeUndefined();
    expect(verifyTotpCode(key, codeAt(current + 1), { now, lastUsedStep: used })).toBe(current + 1);
  });

  it('refuses the same code half a minute later once it was used', () => {
    const used = verifyTotpCode(key, codeAt(current), { now });
    expect(verifyTotpCode(key, codeAt(current), { now: at(1_800_000_045), lastUsedStep: used })).toBeUndefined();
    expect(verifyTotpCode(key, codeAt(current), { now: at(1_800_000_045) })).toBe(current);
  });

  it('refuses the right code for another key', () => {
    expect(verifyTotpCode(createTotpKey(), codeAt(current), { now })).toBeUndefined();
  });

  it('ignores spaces in what was typed', () => {
    const code = codeAt(current);
    expect(verifyTotpCode(key, `${code.slice(0, 3)} ${code.slice(3)}`, { now })).toBe(current);
    expect(verifyTotpCode(key, ` ${code} `, { now })).toBe(current);
  });

  it('refuses anything but six ASCII digits', () => {
    const code = codeAt(current);
    const fullWidth = [...code].map((digit) => String.fromCodePoint(0xff10 + Number(digit))).join('');
    for (const typed of ['', code.slice(0, 5), `${code}0`, `0${code}`, fullWidth, `${code.slice(0, 5)}a`, 'abcdef', `-${code.slice(1)}`]) {
      expect(verifyTotpCode(key, typed, { now })).toBeUndefined();
    }
  });

  it('uses the current time when none is given', () => {
    const step = totpStepAt(new Date());
    expect(verifyTotpCode(key, referenceHotp(key, step, 6))).toBe(step);
    expect(verifyTotpCode(key, referenceHotp(key, step - 3, 6))).toBeUndefined();
  });
});

describe('createTotpKey', () => {
  it('makes 20 random bytes, a new key each time', () => {
    const first = createTotpKey();
    expect(first).toHaveLength(20);
    expect(first).not.toEqual(createTotpKey());
  });
});

describe('totpKeyUri', () => {
  it('names the issuer and account and carries the key, SHA-1, 6 digits and 30 seconds', () => {
    const uri = new URL(totpKeyUri({ issuer: 'Hyperstore', accountName: 'ada@example.test', key: rfcKey }));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/Hyperstore:ada@example.test');
    expect(Object.fromEntries(uri.searchParams)).toEqual({
      issuer: 'Hyperstore',
      algorithm: 'SHA1',
      secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ',
      period: '30',
      digits: '6',
    });
  });
});

describe('formatKeyForTyping', () => {
  it('shows the key as upper-case base32 in groups of four', () => {
    expect(formatKeyForTyping(rfcKey)).toBe('GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ');
  });

  it('decodes back to the same key once the spaces are taken out', () => {
    const key = createTotpKey();
    expect(decodeBase32(formatKeyForTyping(key).replaceAll(' ', ''))).toEqual(key);
  });
});

describe('totpQrSvg', () => {
  const uri = totpKeyUri({ issuer: 'Hyperstore', accountName: 'ada@example.test', key: rfcKey });

  it('is an accessible image sized by its viewBox alone', () => {
    const svg = totpQrSvg(uri);
    const openingTag = svg.slice(0, svg.indexOf('>') + 1);
    expect(openingTag).toMatch(/^<svg /);
    expect(openingTag).toContain('role="img"');
    expect(openingTag).toContain('aria-label="QR code to scan with your authenticator app"');
    expect(openingTag).toMatch(/viewBox="0 0 (\d+) \1"/);
    expect(openingTag).not.toMatch(/\s(width|height)=/);
  });

  it('escapes the label it is given', () => {
    expect(totpQrSvg(uri, 'Scan "this" <now> & go')).toContain('aria-label="Scan &quot;this&quot; &lt;now&gt; &amp; go"');
  });

  it('draws exactly the modules of the QR code for the URI, inside a 4-module quiet zone', () => {
    const svg = totpQrSvg(uri);
    const expected = encode(uri, { ecc: 'M', border: 4 });
    const size = Number(/viewBox="0 0 (\d+) /.exec(svg)![1]);
    expect(size).toBe(expected.size);
    const drawn = new Set([...svg.matchAll(/M(\d+),(\d+)h1v1h-1z/g)].map(([, x, y]) => `${x},${y}`));
    const dark = expected.data.flatMap((row, y) => row.flatMap((isDark, x) => (isDark ? [`${x},${y}`] : [])));
    expect(drawn).toEqual(new Set(dark));
    expect(dark.some((cell) => cell.split(',').map(Number).some((n) => n < 4 || n >= size - 4))).toBe(false);
  });
});
