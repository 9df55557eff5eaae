import { z } from '@hono/zod-openapi';
import { addressForm, emailField, nameFields, passwordField } from '../../accounts/account-forms.js';
import type { AddressInput as AddressForm } from '../../accounts/account-forms.js';
import type { User, UserAddress } from '../../db/schema-accounts.js';

/**
 * The account area's JSON shapes. Field rules are the HTML forms' own (account-forms.ts), only
 * renamed to camelCase, so the API and the browser accept and refuse exactly the same values.
 * Those fields were made by plain zod, possibly before @hono/zod-openapi extended it, so they
 * have no `.openapi()`: describe them with zod's own `.describe()` only.
 */
const form = addressForm.shape;

/** A postal address as typed by a customer: the address book's and checkout's shipping address. */
export const AddressInput = z
  .strictObject({
    fullName: form.full_name,
    addressLine1: form.address_line1,
    addressLine2: form.address_line2,
    city: form.city,
    state: form.state,
    postalCode: form.postal_code,
    country: form.country.describe('ISO 3166-1 alpha-2 code, such as GB'),
    phone: form.phone,
  })
  .openapi('AddressInput');
export type AddressInput = z.infer<typeof AddressInput>;

/** An address-book entry as sent: an address, and whether it becomes the default shipping address. */
export const SavedAddressInput = AddressInput.extend({
  isDefaultShipping: z.boolean().optional().openapi({ description: 'Make this the default shipping address. The first address saved always is.' }),
}).openapi('SavedAddressInput');
export type SavedAddressInput = z.infer<typeof SavedAddressInput>;

export const Address = z
  .object({
    id: z.number().int(),
    fullName: z.string(),
    addressLine1: z.string(),
    addressLine2: z.string(),
    city: z.string(),
    state: z.string(),
    postalCode: z.string(),
    country: z.string(),
    phone: z.string(),
    isDefaultShipping: z.boolean(),
    createdAt: z.iso.datetime(),
  })
  .openapi('Address');
export type Address = z.infer<typeof Address>;

/** The domain's address input (the form's field names) from the API's. */
export function addressFormFrom(input: AddressInput & { isDefaultShipping?: boolean | undefined }): AddressForm {
  return {
    full_name: input.fullName,
    address_line1: input.addressLine1,
    address_line2: input.addressLine2,
    city: input.city,
    state: input.state,
    postal_code: input.postalCode,
    country: input.country,
    phone: input.phone,
    ...(input.isDefaultShipping ? { is_default_shipping: '1' as const } : {}),
  };
}

export function addressJson(row: UserAddress): Address {
  return {
    id: row.id,
    fullName: row.full_name,
    addressLine1: row.address_line1,
    addressLine2: row.address_line2,
    city: row.city,
    state: row.state,
    postalCode: row.postal_code,
    country: row.country,
    phone: row.phone,
    isDefaultShipping: row.is_default_shipping,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

export const UserSchema = z
  .object({
    id: z.number().int(),
    email: z.string(),
    firstName: z.string(),
    lastName: z.string(),
    role: z.enum(['customer', 'admin']),
    emailVerified: z.boolean(),
    mfaEnabled: z.boolean(),
    cartReminders: z.boolean(),
    createdAt: z.iso.datetime(),
  })
  .openapi('User');
export type UserJson = z.infer<typeof UserSchema>;

export function userJson(user: User): UserJson {
  return {
    id: user.id,
    email: user.email,
    firstName: user.first_name,
    lastName: user.last_name,
    role: user.role,
    emailVerified: user.email_verified_at !== null,
    mfaEnabled: user.totp_key_encrypted !== null,
    cartReminders: user.cart_reminders,
    createdAt: new Date(user.created_at).toISOString(),
  };
}

/** Sign-up and sign-in fields, with the HTML forms' rules. */
export const RegisterInput = z
  .strictObject({
    email: emailField,
    password: passwordField,
    firstName: nameFields.first_name,
    lastName: nameFields.last_name,
  })
  .openapi('RegisterInput');

export const LoginInput = z
  .strictObject({
    email: emailField,
    password: passwordField,
    code: z.string().min(1).max(64).optional().openapi({ description: 'The authenticator or recovery code, when the account has two-factor authentication.' }),
  })
  .openapi('LoginInput');

export const TokenPairSchema = z
  .object({
    accessToken: z.string(),
    refreshToken: z.string(),
    tokenType: z.literal('Bearer'),
    expiresIn: z.number().int().openapi({ description: 'Seconds until the access token expires.' }),
    refreshExpiresIn: z.number().int().openapi({ description: 'Seconds until the refresh token expires.' }),
  })
  .openapi('TokenPair');

export const SessionSchema = TokenPairSchema.extend({ user: UserSchema }).openapi('Session');

/** An answer that only says what happens next (sent whether or not the address has an account). */
export const MessageSchema = z.object({ message: z.string() }).openapi('Message');

export const RefreshInput = z.strictObject({ refreshToken: z.string().min(1, 'Send the refresh token.').max(200) }).openapi('RefreshInput');

export const ForgotPasswordInput = z.strictObject({ email: emailField }).openapi('ForgotPasswordInput');

export const ResetPasswordInput = z
  .strictObject({
    token: z.string().min(1, 'Send the token from the reset link.').max(200).openapi({ description: 'The `token` query parameter of the link in the e-mail.' }),
    password: passwordField,
  })
  .openapi('ResetPasswordInput');

export const ProfileInput = z
  .strictObject({
    firstName: nameFields.first_name.optional(),
    lastName: nameFields.last_name.optional(),
    cartReminders: z.boolean().optional().openapi({ description: 'E-mail reminders about a cart left idle.' }),
  })
  .refine((input) => Object.values(input).some((value) => value !== undefined), 'Send at least one of firstName, lastName, cartReminders.')
  .openapi('ProfileInput');

export const PasswordChangeInput = z.strictObject({ currentPassword: passwordField, newPassword: passwordField }).openapi('PasswordChangeInput');
