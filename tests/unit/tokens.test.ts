import { createHash } from 'node:crypto';
import { decodeBase32 } from '@oslojs/encoding';
import { describe, expect, it } from 'vitest';
import { generateToken, hashToken } from '../../src/accounts/tokens.js';

describe('generateToken', () => {
  it('is 160 random bits as 32 characters of lower-case base32 without padding', () => {
    const token = generateToken();
    expect(token).toMatch(/^[a-z2-7]{32}$/);
    expect(decodeBase32(token.toUpperCase())).toHaveLength(20);
  });

  it('never repeats, and uses every bit: each character position varies', () => {
    const tokens = Array.from({ length: 2000 }, generateToken);
    expect(new Set(tokens).size).toBe(tokens.length);
    for (let position = 0; position < 32; position++) {
      // The last character carries 160 - 31 * 5 = 5 bits too, so all 32 symbols can appear everywhere.
      expect(new Set(tokens.map((token) => token[position])).size).toBe(32);
    }
  });
});

describe('hashToken', () => {
  it('is the SHA-256 of the token, in lower-case hex', () => {
    const token = generateToken();
    expect(hashToken(token)).toBe(createHash('sha256').update(token).digest('hex'));
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('gives different tokens different hashes, and the same token the same hash', () => {
    const token = generateToken();
    expect(hashToken(token)).toBe(hashToken(token));
    expect(hashToken(token)).not.toBe(hashToken(generateToken()));
    expect(hashToken(token)).not.toBe(hashToken(token.toUpperCase()));
  });
});
