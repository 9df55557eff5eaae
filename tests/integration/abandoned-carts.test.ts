import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { remindIdleCarts, type ReminderJob } from '../../src/cart/abandoned-carts.js';
import { createTestApp, type TestContext } from '../support/app.js';
import { form, insertUser, logIn } from '../support/accounts.js';
import { insertProduct } from '../support/factories.js';
import { htmlOf } from '../support/html.js';
import { deliverOutbox, testNotices } from '../support/outbox.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestApp();
});
afterAll(() => ctx.close());

const HOUR = 3_600_000;
const job: ReminderJob = { idleHours: 24, notices: testNotices };

/** A member with one line in their cart, last changed `hoursAgo`. */
async function memberWithCart(hoursAgo: number) {
  const user = await insertUser(ctx.database.db);
  const { variants } = await insertProduct(ctx.database.db, { name: 'Forgotten Teapot' }, [{ stock: 5 }]);
  const cookie = await logIn(ctx, user.email);
  await ctx.app.request('/cart/items', form({ variant_id: String(variants[0]!.id), quantity: '2' }, cookie));
  await ctx.database.db.updateTable('carts').set({ updated_at: new Date(Date.now() - hoursAgo * HOUR) }).where('user_id', '=', user.id).execute();
  return { user, cookie, variantId: variants[0]!.id };
}

/** The reminders delivered to an address so far (through the outbox into the dev mailbox). */
async function mailsTo(email: string) {
  await deliverOutbox(ctx.database.db);
  return ctx.database.db.selectFrom('dev_mail').selectAll().where('to_address', '=', email).orderBy('id').execute();
}

describe('abandoned-cart reminders', () => {
  it('mail a member once per idle cart, with a link back and an unsubscribe link', async () => {
    const idle = await memberWithCart(25);
    const recent = await memberWithCart(2);
    await remindIdleCarts(ctx.database.db, job);
    await remindIdleCarts(ctx.database.db, job);
    const [reminder, ...more] = await mailsTo(idle.user.email);
    expect(more).toEqual([]);
    expect(reminder!.subject).toBe('You left something in your hyperstore cart');
    expect(reminder!.text_body).toContain('2 × Forgotten Teapot');
    expect(reminder!.text_body).toContain('http://localhost:3000/cart');
    expect(reminder!.text_body).toMatch(/http:\/\/localhost:3000\/unsubscribe\/cart-reminders\?user=\d+&token=[\w-]+/);
    expect(await mailsTo(recent.user.email)).toEqual([]);
  });

  it('several processes running the job at once send each reminder once (rows are claimed with SKIP LOCKED)', async () => {
    const members = await Promise.all([memberWithCart(30), memberWithCart(31), memberWithCart(32)]);
    await Promise.all(Array.from({ length: 4 }, () => remindIdleCarts(ctx.database.db, job)));
    for (const member of members) expect(await mailsTo(member.user.email)).toHaveLength(1);
  });

  it('a change to the cart makes it eligible again after another idle day', async () => {
    const member = await memberWithCart(30);
    await remindIdleCarts(ctx.database.db, job);
    await ctx.app.request('/cart/items', form({ variant_id: String(member.variantId), quantity: '1' }, member.cookie));
    await remindIdleCarts(ctx.database.db, job);
    expect(await mailsTo(member.user.email)).toHaveLength(1);
    await remindIdleCarts(ctx.database.db, job, new Date(Date.now() + 25 * HOUR));
    expect(await mailsTo(member.user.email)).toHaveLength(2);
  });

  it('the unsubscribe link shows a button (a GET changes nothing), and its POST stops reminders', async () => {
    const member = await memberWithCart(26);
    await remindIdleCarts(ctx.database.db, job);
    const link = new URL((await mailsTo(member.user.email))[0]!.text_body.match(/http:\/\/\S+unsubscribe\S+/)![0]);
    const path = link.pathname + link.search;
    expect((await htmlOf(await ctx.app.request(path))).querySelector('main form button')?.text).toContain('Stop cart reminders');
    const stillOn = await ctx.database.db.selectFrom('users').select('cart_reminders').where('id', '=', member.user.id).executeTakeFirstOrThrow();
    expect(stillOn.cart_reminders).toBe(true);
    expect((await ctx.app.request(path.replace(/token=[^&]+/, 'token=forged'), { method: 'POST' })).status).toBe(400);
    expect((await ctx.app.request(path, { method: 'POST' })).status).toBe(200);

    await ctx.app.request('/cart/items', form({ variant_id: String(member.variantId), quantity: '1' }, member.cookie));
    await remindIdleCarts(ctx.database.db, job, new Date(Date.now() + 48 * HOUR));
    expect(await mailsTo(member.user.email)).toHaveLength(1);
  });

  it('leaves guests, empty carts and deactivated members alone', async () => {
    const emptied = await memberWithCart(40);
    await ctx.app.request('/cart', form({ _method: 'DELETE' }, emptied.cookie));
    await ctx.database.db.updateTable('carts').set({ updated_at: new Date(Date.now() - 40 * HOUR) }).where('user_id', '=', emptied.user.id).execute();
    const deactivated = await memberWithCart(40);
    await ctx.database.db.updateTable('users').set({ active: false }).where('id', '=', deactivated.user.id).execute();
    const { variants } = await insertProduct(ctx.database.db, {}, [{ stock: 5 }]);
    await ctx.app.request('/cart/items', form({ variant_id: String(variants[0]!.id), quantity: '1' }));
    await ctx.database.db.updateTable('carts').set({ updated_at: new Date(Date.now() - 40 * HOUR) }).where('user_id', 'is', null).execute();
    // Every idle cart left is one of these three (earlier ones were reminded already): none gets mail.
    expect(await remindIdleCarts(ctx.database.db, job)).toEqual({ queued: 0 });
  });
});
