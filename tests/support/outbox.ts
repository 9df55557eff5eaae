import { pino } from 'pino';
import type { Db } from '../../src/db/database.js';
import { createNotices } from '../../src/mail/messages.js';
import { createDevMailbox, type Mailer } from '../../src/mail/mailer.js';
import { createOutboxWorker, type OutboxRun } from '../../src/mail/outbox-worker.js';
import type { SmsSender } from '../../src/sms/sms.js';

/** The messages as the test app makes them (testConfig: APP_URL http://localhost:3000, APP_SECRET). */
export const testNotices = createNotices({ storeName: 'hyperstore', appUrl: 'http://localhost:3000', secret: 'test-secret-'.padEnd(40, 'x') });

/** An outbox worker for a test: the dev mailbox (dev_mail) unless a mailer is given. */
export function testOutboxWorker(db: Db, options: { mailer?: Mailer; sms?: SmsSender; maxAttempts?: number } = {}) {
  return createOutboxWorker({ db, mailer: options.mailer ?? createDevMailbox(db), sms: options.sms, log: pino({ level: 'silent' }), host: 'localhost', ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}) });
}

/**
 * Sends everything due in the outbox, as the server's worker does every second or two, until
 * a run finds nothing more: by default into dev_mail, where latestMailTo reads.
 */
export async function deliverOutbox(db: Db, mailer?: Mailer): Promise<OutboxRun> {
  const worker = testOutboxWorker(db, mailer ? { mailer } : {});
  const total: OutboxRun = { sent: 0, retrying: 0, failed: 0 };
  for (;;) {
    const run = await worker.runOnce();
    total.sent += run.sent;
    total.retrying += run.retrying;
    total.failed += run.failed;
    if (run.sent + run.retrying + run.failed === 0) return total;
  }
}
