import { z } from 'zod';
import { isCountryCode } from '../lib/countries.js';

/**
 * What account forms accept. Explicit fields only (no mass assignment); text is refused when
 * it holds control characters (NUL, line breaks: header injection) or the replacement character
 * that invalid UTF-8 decodes to.
 */
const cleanText = (label: string, max: number) =>
  z
    .string({ error: `Enter your ${label}.` })
    .trim()
    .min(1, `Enter your ${label}.`)
    .max(max, `Your ${label} can be at most ${max} characters.`)
    .refine((value) => !/[\p{Cc}\uFFFD]/u.test(value), `Your ${label} contains characters we cannot accept.`);

export const emailField = z
  .string({ error: 'Enter your e-mail address.' })
  .trim()
  .min(1, 'Enter your e-mail address.')
  .max(254, 'That e-mail address is too long.')
  .pipe(z.email('Enter an e-mail address like name@example.com.'));

/** Taken exactly as typed: never trimmed or case-folded (the policy check gives the messages). */
export const passwordField = z
  .string({ error: 'Enter a password.' })
  .min(1, 'Enter a password.')
  .max(1_024, 'That password is too long.')
  .refine((value) => !value.includes('\u0000'), 'That password contains characters we cannot accept.');

export const nameFields = { first_name: cleanText('first name', 100), last_name: cleanText('last name', 100) };

export const registerForm = z.object({ email: emailField, password: passwordField, ...nameFields });
export const loginForm = z.object({ email: emailField, password: passwordField });
export const emailForm = z.object({ email: emailField });
export const passwordForm = z.object({ password: passwordField });
export const profileForm = z.object(nameFields);
export const changeEmailForm = z.object({ email: emailField, current_password: passwordField });
export const changePasswordForm = z.object({ current_password: passwordField, password: passwordField });
export const deleteAccountForm = z.object({
  current_password: passwordField,
  confirm: z.literal('1', { error: 'Tick the box to confirm that you want your account deleted.' }),
});

export const addressForm = z.object({
  full_name: cleanText('full name', 200),
  address_line1: cleanText('address', 200),
  address_line2: z.union([z.literal(''), cleanText('second address line', 200)]).default(''),
  city: cleanText('city', 100),
  state: z.union([z.literal(''), cleanText('state or region', 100)]).default(''),
  postal_code: cleanText('postal code', 20),
  country: z
    .string({ error: 'Choose a country.' })
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{2}$/, 'Choose a country (a two-letter code such as US or GB).')
    .refine(isCountryCode, 'Choose a country from the list.'),
  phone: z.union([z.literal(''), cleanText('phone number', 40)]).default(''),
  is_default_shipping: z.literal('1').optional(),
});
export type AddressInput = z.infer<typeof addressForm>;
