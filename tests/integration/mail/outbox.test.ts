import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSmtpMailer } from '../../../src/mail/mailer.js';
import { enqueueMessage, OutboxInputError, pruneSentMessages, SENT_RETENTION_DAYS, type OutboxInput } from '../../../src/mail/outbox.js';
import { createOutboxWorker, retryDelaySeconds } from '../../../src/mail/outbox-worker.js';
import { SmsError, type SmsMessage, type SmsSender } from '../../../src/sms/sms.js';
import { createTestDatabase } from '../../support/db.js';
import { testOutboxWorker } from '../../support/outbox.js';
import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink.js';
import type { DatabaseHandle } from '../../../src/db/database.js';

let database: DatabaseHandle;
let sink: SmtpSink;
beforeAll(async () => {
  [database, sink] = await Promise.all([createTestDatabase(), startSmtpSink()]);
});
afterAll(async () => {
  await Promise.all([database.close(), sink.close()]);
});
afterEach(async () => {
  sink.refuse(undefined);
  await sink.up(); // after a test that took it down
});

const db = () => database.db;
let sequence = 0;
const address = (name = 'mail') => `${name}.${++sequence}.${Date.now().toString(36)}@example.test`;
const message = (overrides: Partial<OutboxInput> = {}): OutboxInput => ({ kind: 'order.shipped', to: address(), subject: 'Your order has shipped', text: 'On its way.', html: '<p>On its way.</p>', ...overrides });
const smtpWorker = (options: { maxAttempts?: number } = {}) => testOutboxWorker(db(), { mailer: createSmtpMailer(sink.url, 'hyperstore <no-reply@localhost>'), ...options });
const rowTo = (to: string) => db().selectFrom('outbox_messages').selectAll().where('recipient', '=', to).executeTakeFirstOrThrow();
const rowCount = async () => (await db().selectFrom('outbox_messages').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()).n;
/** As if time passed: every waiting message is due now. */
const makeDue = () => db().updateTable('outbox_messages').set({ next_attempt_at: new Date(Date.now() - 1000) }).where('status', '=', 'pending').execute();

describe('queueing', () => {
  it('refuses a line break in the recipient or subject, a bad address or phone, and writes nothing', async () => {
    const before = await rowCount();
    const refused: OutboxInput[] = [
      message({ to: 'victim@example.test\r\nBcc: evil@example.test' }),
      message({ to: 'victim@example.test\nevil@example.test' }),
      message({ subject: 'Hello\r\nBcc: evil@example.test' }),
      message({ to: 'not an address' }),
      message({ to: 'a@b' }),
      message({ subject: '   ' }),
      message({ text: '' }),
      message({ kind: 'Order Shipped' }),
      message({ listUnsubscribe: 'javascript:alert(1)' }),
      message({ channel: 'sms', to: '555-1234' }),
      message({ dedupeKey: 'a\r\nb' }),
    ];
    for (const input of refused) await expect(enqueueMessage(db(), input), JSON.stringify(input)).rejects.toBeInstanceOf(OutboxInputError);
    expect(await rowCount()).toBe(before);
  });

  it('queues a dedupe key once, whoever queues it, even at the same moment; an SMS number is kept in E.164 form', async () => {
    const key = `order.confirmation:HS-${Date.now().toString(36).toUpperCase()}`;
    const to = address();
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => db().transaction().execute((trx) => enqueueMessage(trx, message({ kind: 'order.confirmation', to, dedupeKey: key })))),
    );
    expect(answers.filter(Boolean)).toHaveLength(1);
    expect(await db().selectFrom('outbox_messages').select('id').where('dedupe_key', '=', key).execute()).toHaveLength(1);
    expect(await enqueueMessage(db(), message({ channel: 'sms', to: '+1 (555) 010-4477', subject: '', html: '' }))).toBe(true);
    expect(await db().selectFrom('outbox_messages').select('recipient').where('recipient', '=', '+15550104477').execute()).toHaveLength(1);
    await db().deleteFrom('outbox_messages').where((eb) => eb.or([eb('channel', '=', 'sms'), eb('dedupe_key', '=', key)])).execute();
  });

  it('a message queued in a transaction that rolls back is never sent', async () => {
    const to = address();
    await expect(
      db()
        .transaction()
        .execute(async (trx) => {
          await enqueueMessage(trx, message({ to }));
          throw new Error('the order could not be paid');
        }),
    ).rejects.toThrow('could not be paid');
    expect(await db().selectFrom('outbox_messages').select('id').where('recipient', '=', to).execute()).toEqual([]);
  });
});

describe('the worker', () => {
  it('sends through SMTP with a stable Message-ID, records the server’s answer, and empties a reset link’s body once sent', async () => {
    const to = address('reset');
    await enqueueMessage(db(), message({ kind: 'account.password_reset', to, subject: 'Reset your password', text: 'Open http://localhost:3000/reset-password?token=abcdefghijklmnop2345' }));
    const { id } = await rowTo(to);
    expect(await smtpWorker().runOnce()).toMatchObject({ sent: 1, failed: 0, retrying: 0 });
    const [received, ...more] = sink.to(to);
    expect(more).toEqual([]);
    expect(received!.parsed.messageId).toBe(`<outbox-${id}@localhost>`);
    expect(received!.parsed.subject).toBe('Reset your password');
    expect(received!.parsed.text).toContain('reset-password?token=abcdefghijklmnop2345');
    const row = await rowTo(to);
    expect(row).toMatchObject({ status: 'sent', attempts: 1, last_error: null, locked_until: null });
    expect(row.sent_at).toBeInstanceOf(Date);
    expect(row.provider_message_id).toMatch(/^250/);
    expect(row.text_body).not.toContain('token=');
    // Sent is sent: another run sends nothing more.
    await smtpWorker().runOnce();
    expect(sink.to(to)).toHaveLength(1);
  });

  it('a passing refusal (451) goes back to pending with backoff and the error, then is sent once', async () => {
    const to = address('later');
    sink.refuse(451, to);
    await enqueueMessage(db(), message({ to }));
    expect(await smtpWorker().runOnce()).toMatchObject({ sent: 0, retrying: 1 });
    const waiting = await rowTo(to);
    expect(waiting).toMatchObject({ status: 'pending', attempts: 1, locked_until: null });
    expect(waiting.last_error).toMatch(/451/);
    expect(waiting.next_attempt_at.getTime()).toBeGreaterThan(Date.now() + 20_000);
    expect(await smtpWorker().runOnce()).toMatchObject({ sent: 0, retrying: 0 }); // not due yet
    sink.refuse(undefined, to);
    await makeDue();
    expect(await smtpWorker().runOnce()).toMatchObject({ sent: 1 });
    expect(sink.to(to)).toHaveLength(1);
    expect(await rowTo(to)).toMatchObject({ status: 'sent', attempts: 2, last_error: null });
  });

  it('a recipient refused for good (550) fails at once; the other messages of the run still go', async () => {
    const [refused, fine] = [address('unknown'), address('fine')];
    sink.refuse(550, refused);
    await enqueueMessage(db(), message({ to: refused }));
    await enqueueMessage(db(), message({ to: fine }));
    expect(await smtpWorker().runOnce()).toMatchObject({ sent: 1, failed: 1 });
    const failed = await rowTo(refused);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1, locked_until: null });
    expect(failed.last_error).toMatch(/550/);
    expect(sink.to(refused)).toEqual([]);
    expect(sink.to(fine)).toHaveLength(1);
    await makeDue();
    await smtpWorker().runOnce();
    expect(await rowTo(refused)).toMatchObject({ status: 'failed', attempts: 1 });
  });

  it('with the server down, a message is retried until its last attempt, then failed', async () => {
    const to = address('down');
    await enqueueMessage(db(), message({ to }));
    await sink.down();
    const worker = smtpWorker({ maxAttempts: 3 });
    for (const expected of ['pending', 'pending', 'failed']) {
      await makeDue();
      await worker.runOnce();
      expect((await rowTo(to)).status).toBe(expected);
    }
    expect((await rowTo(to)).last_error).toMatch(/ECONNREFUSED|connect/i);
  });

  it('a lease that ran out (the process died mid-send) gives the message back; a live lease is left alone', async () => {
    const [orphan, held] = [address('orphan'), address('held')];
    await enqueueMessage(db(), message({ to: orphan }));
    await enqueueMessage(db(), message({ to: held }));
    const lease = (to: string, until: Date) => db().updateTable('outbox_messages').set({ status: 'sending', attempts: 1, locked_until: until }).where('recipient', '=', to).execute();
    await lease(orphan, new Date(Date.now() - 1000));
    await lease(held, new Date(Date.now() + 60_000));
    await smtpWorker().runOnce();
    expect(await rowTo(orphan)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(await rowTo(held)).toMatchObject({ status: 'sending', attempts: 1 });
    expect(sink.to(held)).toEqual([]);
    await db().deleteFrom('outbox_messages').where('recipient', '=', held).execute();
  });

  it('texts go through the SMS sender: sent, retried, failed for good, or failed when no provider is configured', async () => {
    const sent: SmsMessage[] = [];
    const answers: (Error | undefined)[] = [undefined, new SmsError('SMS provider unreachable', false), new SmsError('SMS refused (400): invalid number', true)];
    const sms: SmsSender = {
      kind: 'twilio',
      async send(text) {
        const answer = answers.shift();
        if (answer) throw answer;
        sent.push(text);
        return { providerId: 'SM123' };
      },
    };
    const numbers = ['+15550100001', '+15550100002', '+15550100003'];
    for (const to of numbers) await enqueueMessage(db(), { kind: 'order.shipped', channel: 'sms', to, text: `Your order has shipped (${to}).` });
    expect(await testOutboxWorker(db(), { sms }).runOnce()).toMatchObject({ sent: 1, retrying: 1, failed: 1 });
    expect(sent).toEqual([{ to: '+15550100001', body: 'Your order has shipped (+15550100001).' }]);
    expect(await rowTo('+15550100001')).toMatchObject({ status: 'sent', provider_message_id: 'SM123' });
    expect(await rowTo('+15550100002')).toMatchObject({ status: 'pending', last_error: 'SMS provider unreachable' });
    expect(await rowTo('+15550100003')).toMatchObject({ status: 'failed', last_error: 'SMS refused (400): invalid number' });
    await makeDue();
    expect(await testOutboxWorker(db()).runOnce()).toMatchObject({ failed: 1 });
    expect(await rowTo('+15550100002')).toMatchObject({ status: 'failed', last_error: 'no SMS provider' });
  });

  it('logs the id, kind and error of a failure, never the body or its link', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'info' }, new Writable({ write: (chunk: Buffer, _encoding, done) => (lines.push(chunk.toString()), done()) }));
    const to = address('logged');
    sink.refuse(451, to);
    await enqueueMessage(db(), message({ kind: 'account.password_reset', to, text: 'Open http://localhost:3000/reset-password?token=secrettoken2345secret' }));
    const worker = createOutboxWorker({ db: db(), mailer: createSmtpMailer(sink.url, 'hyperstore <no-reply@localhost>'), log, host: 'localhost' });
    await worker.runOnce();
    const { id } = await rowTo(to);
    expect(lines.join('')).toContain(`"outbox":${id}`);
    expect(lines.join('')).toContain('account.password_reset');
    expect(lines.join('')).not.toContain('secrettoken2345secret');
    await db().deleteFrom('outbox_messages').where('recipient', '=', to).execute();
  });

  it('backs off 30 s doubling per attempt, at most an hour, with jitter', () => {
    expect([1, 2, 3, 4].map((attempts) => retryDelaySeconds(attempts, () => 0.5))).toEqual([30, 60, 120, 240]);
    expect(retryDelaySeconds(12, () => 0.5)).toBe(3600);
    expect(retryDelaySeconds(1, () => 0)).toBe(24);
    expect(retryDelaySeconds(1, () => 0.999)).toBeLessThanOrEqual(36);
  });

  it.runIf(process.env.DATABASE_URL)('two workers running at once never send a message twice', async () => {
    const recipients = Array.from({ length: 30 }, () => address('many'));
    for (const to of recipients) await enqueueMessage(db(), message({ to }));
    const [first, second] = [smtpWorker(), smtpWorker()];
    let sent = 0;
    for (let round = 0; round < 10; round++) {
      const runs = await Promise.all([first.runOnce(), second.runOnce()]);
      sent += runs.reduce((sum, run) => sum + run.sent, 0);
      if (runs.every((run) => run.sent === 0)) break;
    }
    expect(sent).toBe(30);
    for (const to of recipients) expect(sink.to(to)).toHaveLength(1);
  });
});

describe('pruning', () => {
  it('deletes sent messages past the retention, and keeps recent, pending and failed ones', async () => {
    const [old, recent, waiting, failed] = [address('old'), address('recent'), address('waiting'), address('failed')];
    for (const to of [old, recent, waiting, failed]) await enqueueMessage(db(), message({ to }));
    const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);
    await db().updateTable('outbox_messages').set({ status: 'sent', sent_at: daysAgo(SENT_RETENTION_DAYS + 1) }).where('recipient', '=', old).execute();
    await db().updateTable('outbox_messages').set({ status: 'sent', sent_at: daysAgo(SENT_RETENTION_DAYS - 1) }).where('recipient', '=', recent).execute();
    await db().updateTable('outbox_messages').set({ status: 'failed', last_attempt_at: daysAgo(SENT_RETENTION_DAYS + 5) }).where('recipient', '=', failed).execute();

    expect(await pruneSentMessages(db())).toBeGreaterThanOrEqual(1);
    const left = await db().selectFrom('outbox_messages').select('recipient').where('recipient', 'in', [old, recent, waiting, failed]).execute();
    expect(left.map((row) => row.recipient).sort()).toEqual([recent, waiting, failed].sort());
    expect(await pruneSentMessages(db())).toBe(0);
  });
});
