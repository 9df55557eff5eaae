import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import type { DatabaseHandle } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { openDatabase } from '../db/open.js';
import { ensureAdmin, WeakPasswordError } from '../accounts/users.js';

/**
 * `npm run admin:create -- --email you@example.com`: creates an admin. The password comes from
 * ADMIN_PASSWORD or is asked for (never a command-line argument, which other users of the
 * machine can read in the process list). The admin sets up two-step verification at first sign-in.
 */
const { values } = parseArgs({ options: { email: { type: 'string' } } });

async function askPassword(): Promise<string> {
  if (process.env.ADMIN_PASSWORD) return process.env.ADMIN_PASSWORD;
  if (!process.stdin.isTTY) throw new Error('Set ADMIN_PASSWORD, or run this in a terminal to be asked for it.');
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return await prompt.question('Password for the new admin (at least 8 characters): ');
  } finally {
    prompt.close();
  }
}

let database: DatabaseHandle | undefined;
try {
  const email = values.email ?? process.env.ADMIN_EMAIL;
  if (!email) throw new Error('Give the admin’s e-mail: npm run admin:create -- --email you@example.com');
  const password = await askPassword();
  database = await openDatabase(loadConfig());
  await migrateToLatest(database.db);
  const outcome = await ensureAdmin(database.db, email, password);
  console.log(outcome === 'created' ? `Created admin ${email}. Sign in at /login to set up two-step verification.` : `${email} already has an account; nothing was changed.`);
} catch (error) {
  console.error(error instanceof WeakPasswordError ? `That password cannot be used: ${error.message}` : error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await database?.close();
}
