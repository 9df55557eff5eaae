import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  generateRecoveryCodes,
  hashRecoveryCode,
  normaliseRecoveryCode,
  recoveryCodeCount,
} from '../../src/accounts/recovery-codes.js';

const codeShape = /^[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}$/;

describe('generateRecoveryCodes', () => {
  it('makes ten codes shaped xxxx-xxxx-xxxx from an unambiguous alphabet', () => {
    const codes = generateRecoveryCodes();
    expect(recoveryCodeCount).toBe(10);
    expect(codes).toHaveLength(10);
    for (const code of codes) expect(code).toMatch(codeShape);
  });

  it('carries at least 50 bits in each code: 12 characters of 32', () => {
    const [code] = generateRecoveryCodes(1);
    expect(code!.replaceAll('-', '')).toHaveLength(12);
    expect(12 * Math.log2(32)).toBeGreaterThanOrEqual(50);
  });

  it('draws every character of the alphabet, none more than chance allows', () => {
    const counts = new Map<string, number>();
    for (const code of generateRecoveryCodes(2000)) {
      for (const character of code.replaceAll('-', '')) counts.set(character, (counts.get(character) ?? 0) + 1);
    }
    // 24,000 draws over 32 characters: 750 each on average, a standard deviation of about 27.
    expect(counts.size).toBe(32);
    for (const count of counts.values()) expect(Math.abs(count - 750)).toBeLessThan(200);
  });

  it('never repeats a code', () => {
    const codes = generateRecoveryCodes(5000);
    expect(new Set(codes).size).toBe(codes.length);
  });
});

describe('normaliseRecoveryCode', () => {
  it('ignores case, dashes and spaces', () => {
    expect(normaliseRecoveryCode(' AB3D-efg7 - 9KMN ')).toBe('ab3defg79kmn');
    expect(normaliseRecoveryCode('ab3d efg7\t9kmn')).toBe('ab3defg79kmn');
  });

  it('reads the look-alike letters the alphabet leaves out as the digits they resemble', () => {
    expect(normaliseRecoveryCode('OoIi-Ll00-1111')).toBe('001111001111');
  });

  it('leaves a generated code as it is, dashes aside', () => {
    for (const code of generateRecoveryCodes()) expect(normaliseRecoveryCode(code)).toBe(code.replaceAll('-', ''));
  });
});

describe('hashRecoveryCode', () => {
  it('is the SHA-256 of the normalised code, in lower-case hex', () => {
    const expected = createHash('sha256').update('ab3defg79kmn').digest('hex');
    expect(hashRecoveryCode('ab3d-efg7-9kmn')).toBe(expected);
  });

  it('matches however the code is typed, and only that code', () => {
    const [code, other] = generateRecoveryCodes(2);
    const stored = hashRecoveryCode(code!);
    expect(hashRecoveryCode(code!.toUpperCase().replaceAll('-', ' '))).toBe(stored);
    expect(hashRecoveryCode(code!.replaceAll('-', ''))).toBe(stored);
    expect(hashRecoveryCode(other!)).not.toBe(stored);
    expect(hashRecoveryCode(code!.slice(0, -1))).not.toBe(stored);
  });

  it('does not contain the code', () => {
    const [code] = generateRecoveryCodes(1);
    expect(hashRecoveryCode(code!)).not.toContain(code!.replaceAll('-', ''));
    expect(hashRecoveryCode(code!)).toMatch(/^[0-9a-f]{64}$/);
  });
});
