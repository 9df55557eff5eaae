import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/** Account tables, matching migrations/20261123100000_create_accounts.ts column for column. */

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | string | undefined, Date | string>;

export type Role = 'customer' | 'admin';

export interface UsersTable {
  id: Generated<number>;
  email: string;
  password_hash: string;
  first_name: string;
  last_name: string;
  role: ColumnType<Role, Role | undefined, Role>;
  active: Generated<boolean>;
  email_verified_at: Date | null;
  totp_key_encrypted: string | null;
  totp_last_step: number | null;
  /** Reminders about a cart left idle (migrations/20261124100000_add_cart_reminder_choice.ts). */
  cart_reminders: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface UserRecoveryCodesTable {
  id: Generated<number>;
  user_id: number;
  code_hash: string;
  used_at: Date | null;
}

export interface UserAddressesTable {
  id: Generated<number>;
  user_id: number;
  full_name: string;
  address_line1: string;
  address_line2: Generated<string>;
  city: string;
  state: Generated<string>;
  postal_code: string;
  country: string;
  phone: Generated<string>;
  is_default_shipping: Generated<boolean>;
  created_at: CreatedAt;
}

export type EmailTokenPurpose = 'verify_email' | 'reset_password';

export interface EmailTokensTable {
  id: Generated<number>;
  user_id: number;
  purpose: EmailTokenPurpose;
  token_hash: string;
  email: string;
  expires_at: Date;
  used_at: Date | null;
  created_at: CreatedAt;
}

export interface AuditEventsTable {
  id: Generated<number>;
  occurred_at: CreatedAt;
  action: string;
  actor_user_id: number | null;
  subject_user_id: number | null;
  ip: string | null;
  details: ColumnType<Record<string, unknown>, string | undefined, never>;
  /** What the action was done to ('product', '42'); before/after are its changed fields. */
  entity_type: string | null;
  entity_id: string | null;
  before: ColumnType<Record<string, unknown> | null, string | null | undefined, never>;
  after: ColumnType<Record<string, unknown> | null, string | null | undefined, never>;
}

export interface DevMailTable {
  id: Generated<number>;
  sent_at: CreatedAt;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string;
}

export interface AccountsTables {
  users: UsersTable;
  user_recovery_codes: UserRecoveryCodesTable;
  user_addresses: UserAddressesTable;
  email_tokens: EmailTokensTable;
  audit_events: AuditEventsTable;
  dev_mail: DevMailTable;
}

export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserAddress = Selectable<UserAddressesTable>;
