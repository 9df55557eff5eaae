import type { ApiKey } from '../db/schema-api.js';
import type { User } from '../db/schema-accounts.js';
import type { AppEnv } from '../web/context.js';

/** Hono's per-request variables under /api/v1: the web layer's, plus who the bearer is. */
export interface ApiEnv {
  Variables: AppEnv['Variables'] & {
    /** The user a bearer access token speaks for. The API never reads the session cookie. */
    apiUser: User | undefined;
    /** The token family of that access token (sign-out ends it). */
    apiFamilyId: number | undefined;
    /** An integration's API key (read-only catalog access). */
    apiKey: ApiKey | undefined;
  };
}
