import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hash, verify, type Algorithm, type Options } from '@node-rs/argon2';
import { projectRoot } from '../lib/paths.js';

// OWASP Password Storage Cheat Sheet, argon2id minimum: 19 MiB of memory, 2 passes, 1 lane.
// Raising any of them later is safe: verify() reads the parameters from each stored hash.
// `Algorithm` is an ambient const enum, which isolatedModules cannot read at run time; 2 is Argon2id.
const argon2id: Algorithm.Argon2id = 2;
export const passwordHashOptions = {
  algorithm: argon2id,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
} as const satisfies Options;

// NIST SP 800-63B: at least 8, and allow at least 64 so passphrases and password managers fit.
export const passwordMinLength = 8;
export const passwordMaxLength = 128;

export function hashPassword(password: string): Promise<string> {
  return hash(password, passwordHashOptions);
}

/** False for a wrong password and for a stored hash that is not an argon2 hash at all (argon2 throws on those). */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

// A hash of a random password nobody kept, made once with passwordHashOptions. A login for an
// unknown e-mail verifies against it so that it costs what a known e-mail costs, and the response
// time does not tell an attacker which addresses have accounts. A test keeps its parameters in step.
export const dummyPasswordHash =
  '$argon2id$v=19$m=19456,t=2,p=1$bMdjjlWf3OhMToXxIlswdQ$KYeAA7BKwotXKBh5qkDGksclZaVQEk4SMuL6oTNuCHY';

/** Spends the time of one real verification and always answers false. */
export async function verifyAgainstDummy(password: string): Promise<false> {
  await verifyPassword(dummyPasswordHash, password);
  return false;
}

export interface PasswordContext {
  email?: string | undefined;
  firstName?: string | undefined;
  lastName?: string | undefined;
}

/**
 * The reason a new password is refused, worded for the person choosing it, or undefined when it is
 * acceptable. The password is judged exactly as typed: no trimming, no truncation, and no
 * composition rules (NIST SP 800-63B), only length, a list of common passwords (with the predictable
 * shapes that list leaves out), and the account's own e-mail and name.
 */
export function checkPasswordPolicy(password: string, context: PasswordContext = {}): string | undefined {
  // Code points, not UTF-16 units: an emoji is one character to the person typing it.
  const length = [...password].length;
  if (length < passwordMinLength) return `Use at least ${passwordMinLength} characters.`;
  if (length > passwordMaxLength) return `Use at most ${passwordMaxLength} characters.`;
  if (isCommonPassword(password) || isPredictablePattern(password)) {
    return 'This password is one of the most common ones, so it is among the first an attacker tries. A few unrelated words make a stronger one.';
  }
  if (isEmailPassword(password, context.email)) return 'Your password must not be your e-mail address.';
  if (isNamePassword(password, context)) return 'Your password must not be your name.';
  return undefined;
}

// Guessing lists are case-insensitive in practice (crackers try "Password1" right after
// "password1"), so the lower-case form is compared; the password itself keeps its case.
export function isCommonPassword(password: string): boolean {
  return loadCommonPasswords().has(password.toLowerCase());
}

// Read on first use rather than at import, so modules that never check a new password do not pay
// for ~49,000 entries. The file is not compiled, so it is read from src/ even when running dist/.
const commonPasswordsPath = join(projectRoot, 'src', 'accounts', 'data', 'common-passwords.txt');
let commonPasswords: Set<string> | undefined;

function loadCommonPasswords(): Set<string> {
  commonPasswords ??= new Set(readFileSync(commonPasswordsPath, 'utf8').split(/\r?\n/).filter((line) => line !== ''));
  return commonPasswords;
}

const keyboardRows = ['1234567890', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm'];

// The shipped list (zxcvbn's) leaves out passwords that zxcvbn catches with its pattern matchers
// instead: "00000000", "12121212", "qwerqwer", "87654321", "abcdefgh", "poiuytrewq", "17061992".
// A plain list lookup would let those through, so the same shapes are refused here. NIST SP 800-63B
// names repetitive and sequential characters among what a blocklist should cover.
export function isPredictablePattern(password: string): boolean {
  const lower = password.toLowerCase();
  return isShortUnitRepeated(lower) || isConsecutiveRun(lower) || isKeyboardRun(lower) || isEightDigitDate(lower);
}

/** "aaaaaaaa", "19841984", "blablabla", "qwertyqwerty": one unit of up to 6 characters, twice or more. */
function isShortUnitRepeated(text: string): boolean {
  return /^(.{1,6}?)\1+$/su.test(text);
}

/** "abcdefgh", "87654321": every character one code point above, or below, the one before. */
function isConsecutiveRun(text: string): boolean {
  const codes = [...text].map((character) => character.codePointAt(0) ?? 0);
  const step = (codes[1] ?? 0) - (codes[0] ?? 0);
  if (step !== 1 && step !== -1) return false;
  return codes.every((code, index) => index === 0 || code - (codes[index - 1] ?? 0) === step);
}

/** "asdfghjkl", "poiuytrewq", "0987654321": a stretch of one keyboard row, either way. */
function isKeyboardRun(text: string): boolean {
  const reversed = [...text].reverse().join('');
  return keyboardRows.some((row) => row.includes(text) || row.includes(reversed));
}

/** "17061992", "06171992", "19920617": a date someone remembers; a few hundred thousand guesses try them all. */
function isEightDigitDate(text: string): boolean {
  if (!/^\d{8}$/.test(text)) return false;
  const part = (start: number, end: number) => Number(text.slice(start, end));
  return (
    looksLikeDate(part(4, 8), part(2, 4), part(0, 2)) || // day month year
    looksLikeDate(part(4, 8), part(0, 2), part(2, 4)) || // month day year
    looksLikeDate(part(0, 4), part(4, 6), part(6, 8)) // year month day
  );
}

// Any month may have 31 days here: refusing "31021992" as well costs nobody a good password.
function looksLikeDate(year: number, month: number, day: number): boolean {
  return year >= 1900 && year <= 2099 && month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

function isEmailPassword(password: string, email: string | undefined): boolean {
  const address = email?.trim().toLowerCase();
  if (!address) return false;
  const at = address.lastIndexOf('@');
  const localPart = at > 0 ? address.slice(0, at) : '';
  const lower = password.toLowerCase();
  return lower === address || (localPart !== '' && lower === localPart);
}

/** The first name, the last name, or both together in either order, with or without a space. */
function isNamePassword(password: string, { firstName, lastName }: PasswordContext): boolean {
  const first = firstName?.trim().toLowerCase() ?? '';
  const last = lastName?.trim().toLowerCase() ?? '';
  const forms = [first, last];
  if (first && last) forms.push(first + last, `${first} ${last}`, last + first, `${last} ${first}`);
  const lower = password.toLowerCase();
  return forms.some((form) => form !== '' && form === lower);
}
