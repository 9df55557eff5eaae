import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';

/** The only reader of process.env: every setting the store has, validated once at start. */

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const optionalUrl = (protocols: RegExp, hint: string) =>
  optionalText.refine((value) => value === undefined || (URL.canParse(value) && protocols.test(new URL(value).protocol)), {
    message: `must be a URL (${hint})`,
  });

const environmentSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: optionalText,
    DATABASE_URL: optionalUrl(/^postgres(ql)?:$/, 'postgres://user:password@host:5432/database'),
    REDIS_URL: optionalUrl(/^rediss?:$/, 'redis://host:6379'),
    // Every key and channel this store uses in Redis starts with it: two stores (staging and
    // production) sharing one Redis must each have their own, or they serve each other's pages.
    REDIS_PREFIX: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_.-]{1,40}:$/, 'must be letters, digits, _ . or - ending in a colon, like shop-staging:')
      .default('hs:'),
    DATA_DIR: z.string().trim().min(1).default('./data'),
    APP_URL: optionalUrl(/^https?:$/, 'https://shop.example.com'),
    APP_SECRET: optionalText.refine((value) => value === undefined || value.length >= 32, {
      message: 'must be at least 32 characters (try: openssl rand -hex 32)',
    }),
    // One line: it goes into mail subjects and headers, where a line break would start a new header.
    STORE_NAME: z.string().trim().min(1).max(60).regex(/^[^\p{Cc}]+$/u, 'must be one line of text, without control characters').default('hyperstore'),
    CURRENCY: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD')
      .default('USD'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    STRIPE_SECRET_KEY: optionalText,
    STRIPE_PUBLISHABLE_KEY: optionalText,
    STRIPE_WEBHOOK_SECRET: optionalText,
    PAYMENTS: z.enum(['stripe', 'test']).optional(),
    SMTP_URL: optionalUrl(/^smtps?:$/, 'smtp://user:password@host:587'),
    MAIL_FROM: optionalText.refine((value) => value === undefined || !/\p{Cc}/u.test(value), 'must be one line of text, without control characters'),
    ADMIN_EMAIL: optionalText.pipe(z.email('must be an e-mail address').optional()),
    ADMIN_PASSWORD: optionalText,
    // Postgres away or silent: how long a request waits for a connection, and for one statement (0: no limit).
    DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(3_000),
    DB_QUERY_TIMEOUT_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
    // How many reverse proxies stand in front of the store; only their X-Forwarded-For entries are believed.
    TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
    RATE_LIMIT_MAX: z.coerce.number().int().min(1).max(1_000_000).default(100),
    RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
    // The JSON API's quotas per minute: for each client IP, and for each access token's user or API key.
    API_RATE_LIMIT_PER_IP: z.coerce.number().int().min(1).max(1_000_000).default(600),
    API_RATE_LIMIT_PER_TOKEN: z.coerce.number().int().min(1).max(1_000_000).default(1200),
    // Prices as staff enter them: with tax included (as in the EU) or without (as in the US).
    PRICES_INCLUDE_TAX: z.stringbool({ error: 'must be true or false' }).default(false),
    TAX_SHIPPING: z.stringbool({ error: 'must be true or false' }).default(false),
    // Where carts are estimated (shipping, tax) before the shopper gives an address.
    STORE_COUNTRY: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as US')
      .default('US'),
    // A Server-Timing header (total and database time) on every response; on outside production.
    SERVER_TIMING: z.stringbool({ error: 'must be true or false' }).optional(),
    ABANDONED_CART_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(24),
    // Uploaded images go to an S3-compatible bucket when these four are set, else to DATA_DIR/uploads.
    S3_BUCKET: optionalText,
    S3_ENDPOINT: optionalUrl(/^https?:$/, 'https://s3.eu-west-1.amazonaws.com'),
    S3_ACCESS_KEY_ID: optionalText,
    S3_SECRET_ACCESS_KEY: optionalText,
    S3_REGION: z.string().trim().min(1).default('us-east-1'),
    // Where browsers may fetch the bucket's files directly (a CDN); unset: /media serves them.
    S3_PUBLIC_URL: optionalUrl(/^https?:$/, 'https://cdn.example.com'),
    // Shipping updates by SMS (for shoppers who ask for them) when these three are set.
    TWILIO_ACCOUNT_SID: optionalText,
    TWILIO_AUTH_TOKEN: optionalText,
    TWILIO_FROM: optionalText,
    // /metrics: a Bearer token scrapers send; unset in production, /metrics answers 404 (open in development).
    METRICS_TOKEN: optionalText.refine((value) => value === undefined || value.length >= 16, { message: 'must be at least 16 characters (try: openssl rand -hex 24)' }),
    // When set, /metrics is served on this (internal) port only, not on PORT.
    METRICS_PORT: optionalText.pipe(z.coerce.number<string | undefined>({ error: 'must be a port number' }).int().min(1).max(65535).optional()),
    // A query slower than this is logged at warn with its SQL text (never its parameters).
    SLOW_QUERY_MS: z.coerce.number().int().min(0).max(600_000).default(100),
    // New requests get a quick 503 while the event loop lags more than this (0: never shed).
    SHED_LAG_MS: z.coerce.number().int().min(0).max(60_000).default(100),
    // Memory for anonymous catalog pages kept as compressed bytes, in megabytes (0: no page cache).
    PAGE_CACHE_MB: z.coerce.number().int().min(0).max(4_096).default(32),
    TWILIO_API_URL: z.url({ protocol: /^https?$/, error: 'must be a URL like https://api.twilio.com' }).default('https://api.twilio.com'),
  })
  .superRefine((env, ctx) => {
    const s3 = ['S3_BUCKET', 'S3_ENDPOINT', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const;
    if (s3.some((name) => env[name]) && !s3.every((name) => env[name])) {
      for (const name of s3.filter((missing) => !env[missing])) ctx.addIssue({ code: 'custom', path: [name], message: 'is required when any S3_ variable is set' });
    }
    const twilio = ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM'] as const;
    if (twilio.some((name) => env[name]) && !twilio.every((name) => env[name])) {
      for (const name of twilio.filter((missing) => !env[missing])) ctx.addIssue({ code: 'custom', path: [name], message: 'is required when any TWILIO_ variable is set' });
    }
    if (env.METRICS_PORT !== undefined && env.METRICS_PORT === env.PORT) ctx.addIssue({ code: 'custom', path: ['METRICS_PORT'], message: 'must differ from PORT' });
    if (env.NODE_ENV !== 'production') return;
    if (!env.APP_SECRET) ctx.addIssue({ code: 'custom', path: ['APP_SECRET'], message: 'is required in production' });
    if (!env.STRIPE_SECRET_KEY && env.PAYMENTS !== 'test') {
      ctx.addIssue({
        code: 'custom',
        path: ['STRIPE_SECRET_KEY'],
        message: 'is required in production (or set PAYMENTS=test to run the test provider on purpose)',
      });
    }
  });

export type Environment = z.infer<typeof environmentSchema>;

export interface Config extends Omit<Environment, 'APP_SECRET' | 'APP_URL' | 'HOST'> {
  readonly HOST: string;
  readonly APP_URL: string;
  readonly APP_SECRET: string;
  readonly isProduction: boolean;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses an environment (process.env by default); throws ConfigError naming every bad variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const parsed = environmentSchema.safeParse(source);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'} ${issue.message}`));
  }
  const env = parsed.data;
  const dataDir = resolve(env.DATA_DIR);
  return Object.freeze({
    ...env,
    DATA_DIR: dataDir,
    HOST: env.HOST ?? '0.0.0.0',
    APP_URL: (env.APP_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ''),
    APP_SECRET: env.APP_SECRET ?? localSecret(dataDir),
    isProduction: env.NODE_ENV === 'production',
  });
}

/** Outside production a secret is made once and kept in DATA_DIR, so sessions survive restarts. */
function localSecret(dataDir: string): string {
  const file = join(dataDir, 'app-secret');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    mkdirSync(dataDir, { recursive: true });
    const secret = randomBytes(32).toString('hex');
    writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
    return secret;
  }
}
