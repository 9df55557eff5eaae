import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

const dataDir = () => mkdtempSync(join(tmpdir(), 'hyperstore-config-'));

describe('loadConfig', () => {
  it('runs with nothing set, keeping a generated secret in DATA_DIR', () => {
    const dir = dataDir();
    const config = loadConfig({ DATA_DIR: dir });
    expect(config).toMatchObject({ PORT: 3000, HOST: '0.0.0.0', APP_URL: 'http://localhost:3000', NODE_ENV: 'development', CURRENCY: 'USD' });
    expect(config.APP_SECRET).toMatch(/^[0-9a-f]{64}$/);
    expect(readFileSync(join(dir, 'app-secret'), 'utf8')).toBe(config.APP_SECRET);
    expect(loadConfig({ DATA_DIR: dir }).APP_SECRET).toBe(config.APP_SECRET);
  });

  it('names every bad variable and what is wrong with it', () => {
    const attempt = () =>
      loadConfig({ DATA_DIR: dataDir(), PORT: 'eighty', DATABASE_URL: 'mysql://x', REDIS_URL: 'nope', APP_SECRET: 'short', ADMIN_EMAIL: 'not-an-email' });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const { problems } = error as ConfigError;
      expect(problems.map((problem) => problem.split(' ')[0])).toEqual(['PORT', 'DATABASE_URL', 'REDIS_URL', 'APP_SECRET', 'ADMIN_EMAIL']);
      expect(problems.find((problem) => problem.startsWith('APP_SECRET'))).toContain('at least 32 characters');
    }
  });

  it('refuses a store name or sender that would break a mail header', () => {
    for (const env of [{ STORE_NAME: 'Shop\r\nBcc: victim@example.test' }, { MAIL_FROM: 'Shop <a@example.test>\nBcc: victim@example.test' }]) {
      expect(() => loadConfig({ DATA_DIR: dataDir(), ...env })).toThrow(/one line of text/);
    }
    expect(loadConfig({ DATA_DIR: dataDir(), STORE_NAME: 'Zoë’s Shop' }).STORE_NAME).toBe('Zoë’s Shop');
  });

  it('keeps each store in Redis under its own prefix, and refuses a prefix that is not one', () => {
    expect(loadConfig({ DATA_DIR: dataDir() }).REDIS_PREFIX).toBe('hs:');
    expect(loadConfig({ DATA_DIR: dataDir(), REDIS_PREFIX: 'shop-staging:' }).REDIS_PREFIX).toBe('shop-staging:');
    for (const bad of ['staging', 'a b:', '*:', 'x'.repeat(41) + ':']) {
      expect(() => loadConfig({ DATA_DIR: dataDir(), REDIS_PREFIX: bad }), bad).toThrow(/REDIS_PREFIX/);
    }
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ DATA_DIR: dataDir(), DATABASE_URL: '', REDIS_URL: '  ' })).toMatchObject({ DATABASE_URL: undefined, REDIS_URL: undefined });
  });

  it('refuses production without a secret or a real payment provider', () => {
    expect(() => loadConfig({ DATA_DIR: dataDir(), NODE_ENV: 'production' })).toThrow(/APP_SECRET is required in production[\s\S]*STRIPE_SECRET_KEY/);
    const config = loadConfig({ DATA_DIR: dataDir(), NODE_ENV: 'production', APP_SECRET: 's'.repeat(40), PAYMENTS: 'test', APP_URL: 'https://shop.example/' });
    expect(config.isProduction).toBe(true);
    expect(config.APP_URL).toBe('https://shop.example');
  });
});
