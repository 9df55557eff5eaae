import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { form, sessionCookieFrom } from '../../support/accounts.js';
import { signInAdmin } from '../../support/admin.js';
import { createTestApp, type TestContext } from '../../support/app.js';
import { insertProduct } from '../../support/factories.js';
import { startFakeTwilio } from '../../support/fake-twilio.js';
import { htmlOf } from '../../support/html.js';
import { testOutboxWorker } from '../../support/outbox.js';
import { createSmsSender } from '../../../src/sms/sms.js';
import { loadConfig } from '../../../src/config.js';

const credentials = { accountSid: 'AC11112222333344445555666677778888', authToken: 'fake-twilio-token' };
let twilio: Awaited<ReturnType<typeof startFakeTwilio>>;
let ctx: TestContext;
let withoutSms: TestContext;
beforeAll(async () => {
  twilio = await startFakeTwilio(credentials);
  const env = { TWILIO_ACCOUNT_SID: credentials.accountSid, TWILIO_AUTH_TOKEN: credentials.authToken, TWILIO_FROM: '+15005550006', TWILIO_API_URL: twilio.url };
  ctx = await createTestApp({ env });
  withoutSms = await createTestApp();
});
afterAll(async () => {
  await Promise.all([ctx.close(), withoutSms.close(), twilio.close()]);
});

const address = { email: 'annie.easley@example.test', full_name: 'Annie Easley', address_line1: '3 Rocket Row', address_line2: '', city: 'Cleveland', state: 'OH', postal_code: '44135', country: 'US', shipping_method: 'standard', card_number: '4242 4242 4242 4242' };

async function checkout(app: TestContext, fields: Record<string, string>) {
  const { variants } = await insertProduct(app.database.db, {}, [{ price_cents: 2500, stock: 5 }]);
  const added = await app.app.request('/cart/items', form({ variant_id: String(variants[0]!.id), quantity: '1' }));
  const shopper = sessionCookieFrom(added)!;
  return { shopper, response: await app.app.request('/checkout', form({ ...address, ...fields }, shopper)) };
}

const orderCount = async (app: TestContext) => Number((await app.database.db.selectFrom('orders').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);

describe('shipping updates by SMS', () => {
  it('are offered at checkout only when the store can send texts', async () => {
    for (const app of [ctx, withoutSms]) {
      const { variants } = await insertProduct(app.database.db, {}, [{ price_cents: 1000, stock: 3 }]);
      const added = await app.app.request('/cart/items', form({ variant_id: String(variants[0]!.id), quantity: '1' }));
      const page = await htmlOf(await app.app.request('/checkout', { headers: { Cookie: sessionCookieFrom(added)! } }));
      expect(page.querySelector('input[name=sms_updates]') !== null).toBe(app === ctx);
    }
    // Without a provider, a forged opt-in is ignored: the order is placed and asks for no texts.
    const { response } = await checkout(withoutSms, { phone: '+12165550142', sms_updates: '1' });
    const number = response.headers.get('Location')!.match(/HS-[0-9A-Z]{8}/)![0];
    const row = await withoutSms.database.db.selectFrom('orders').select('sms_updates').where('number', '=', number).executeTakeFirstOrThrow();
    expect(row.sms_updates).toBe(false);
  });

  it('need a mobile number with its country code; a bad one is explained and places no order', async () => {
    const before = await orderCount(ctx);
    const { response } = await checkout(ctx, { phone: '555 0100', sms_updates: '1' });
    expect(response.status).toBe(422);
    expect((await htmlOf(response)).querySelector('#field-phone-error')?.text).toMatch(/country code/);
    expect(await orderCount(ctx)).toBe(before);
  });

  it('go out once, by text, when staff ship the order, and not to those who did not ask', async () => {
    const asked = await checkout(ctx, { phone: '+1 (216) 555-0142', sms_updates: '1' });
    const silent = await checkout(ctx, { phone: '+12165550199' });
    const numbers = [asked, silent].map(({ response }) => response.headers.get('Location')!.match(/HS-[0-9A-Z]{8}/)![0]);
    const askedRow = await ctx.database.db.selectFrom('orders').select(['sms_updates', 'phone']).where('number', '=', numbers[0]!).executeTakeFirstOrThrow();
    expect(askedRow).toEqual({ sms_updates: true, phone: '+12165550142' });

    const { cookie } = await signInAdmin(ctx);
    for (const number of numbers) {
      for (const step of [{ status: 'processing' }, { status: 'shipped', carrier: 'UPS', tracking_number: `1Z${number.slice(3)}` }] as Record<string, string>[]) {
        expect((await ctx.app.request(`/admin/orders/${number}/status`, form(step, cookie))).status).toBe(303);
      }
    }
    const worker = testOutboxWorker(ctx.database.db, { sms: createSmsSender(loadConfig({ NODE_ENV: 'test', APP_SECRET: 'x'.repeat(40), TWILIO_ACCOUNT_SID: credentials.accountSid, TWILIO_AUTH_TOKEN: credentials.authToken, TWILIO_FROM: '+15005550006', TWILIO_API_URL: twilio.url }))! });
    while ((await worker.runOnce()).sent > 0);
    const texts = twilio.received.filter((text) => text.body.includes(numbers[0]!) || text.body.includes(numbers[1]!));
    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatchObject({ to: '+12165550142', from: '+15005550006' });
    expect(texts[0]!.body).toMatch(new RegExp(`^hyperstore: your order ${numbers[0]} has shipped with UPS, tracking 1Z${numbers[0]!.slice(3)}\\. http://localhost:3000/orders/${numbers[0]}\\?token=`));
    // Shipping again is refused by the order states; the dedupe key would stop a second text anyway.
    expect((await ctx.app.request(`/admin/orders/${numbers[0]}/status`, form({ status: 'shipped', carrier: 'UPS', tracking_number: 'X' }, cookie))).status).toBe(409);
    const queued = await ctx.database.db.selectFrom('outbox_messages').select(['status']).where('channel', '=', 'sms').execute();
    expect(queued).toEqual([{ status: 'sent' }]);
  });
});
