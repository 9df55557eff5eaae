import type { ColumnType, Generated, Selectable } from 'kysely';

/** API tokens and keys, matching migrations/20261127000000_create_api_tokens.ts column for column. */

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export type ApiTokenKind = 'access' | 'refresh';
/** What an API key may do. Only catalog reads exist so far; new scopes are additive. */
export type ApiKeyScope = 'catalog:read';

export interface ApiTokenFamiliesTable {
  id: Generated<number>;
  user_id: number;
  user_agent: Generated<string>;
  ip: Generated<string>;
  created_at: CreatedAt;
  last_used_at: Timestamp;
  revoked_at: Date | null;
  revoked_reason: string | null;
}

export interface ApiTokensTable {
  id: Generated<number>;
  family_id: number;
  kind: ApiTokenKind;
  token_hash: string;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  used_at: Date | null;
  created_at: CreatedAt;
}

export interface ApiKeysTable {
  id: Generated<number>;
  name: string;
  display_prefix: string;
  key_hash: string;
  scopes: ColumnType<ApiKeyScope[], ApiKeyScope[] | undefined, ApiKeyScope[]>;
  created_by: number | null;
  created_at: CreatedAt;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

export interface ApiTables {
  api_token_families: ApiTokenFamiliesTable;
  api_tokens: ApiTokensTable;
  api_keys: ApiKeysTable;
}

export type ApiTokenFamily = Selectable<ApiTokenFamiliesTable>;
export type ApiKey = Selectable<ApiKeysTable>;
