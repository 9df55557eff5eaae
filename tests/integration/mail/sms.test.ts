import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { createSmsSender, createTwilioSender, SmsError } from '../../../src/sms/sms.js';
import { startFakeTwilio } from '../../support/fake-twilio.js';

const credentials = { accountSid: 'AC0123456789abcdef0123456789abcdef', authToken: 'token-that-must-stay-secret' };
let twilio: Awaited<ReturnType<typeof startFakeTwilio>>;
beforeAll(async () => {
  twilio = await startFakeTwilio(credentials);
});
afterAll(() => twilio.close());

const sender = () => createTwilioSender({ ...credentials, from: '+15005550006', apiUrl: twilio.url });

describe('SMS through Twilio', () => {
  it('sends a text with Basic credentials and answers the message SID', async () => {
    const result = await sender().send({ to: '+1 (555) 123-4567', body: 'Your order HS-ABCD2345 has shipped.' });
    expect(result.providerId).toMatch(/^SM[0-9a-f]{32}$/);
    expect(twilio.received.at(-1)).toMatchObject({ to: '+15551234567', from: '+15005550006', body: 'Your order HS-ABCD2345 has shipped.' });
  });

  it('refuses a number that is not E.164 before calling the provider', async () => {
    const before = twilio.received.length;
    await expect(sender().send({ to: '555-1234', body: 'x' })).rejects.toThrow(/country code/);
    expect(twilio.received.length).toBe(before);
  });

  it('tells a permanent refusal (bad number, bad credentials) from a passing failure (outage)', async () => {
    twilio.refuseNumber('+15550000000');
    await expect(sender().send({ to: '+15550000000', body: 'x' })).rejects.toMatchObject({ name: 'SmsError', permanent: true, message: expect.stringContaining('21211') });
    const wrongToken = createTwilioSender({ ...credentials, authToken: 'wrong', from: '+15005550006', apiUrl: twilio.url });
    const refused = await wrongToken.send({ to: '+15551234567', body: 'x' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(SmsError);
    expect((refused as SmsError).permanent).toBe(true);
    expect((refused as SmsError).message).not.toContain('wrong');
    twilio.setOutage(true);
    await expect(sender().send({ to: '+15551234567', body: 'x' })).rejects.toMatchObject({ permanent: false });
    twilio.setOutage(false);
    const unreachable = createTwilioSender({ ...credentials, from: '+15005550006', apiUrl: 'http://127.0.0.1:9' });
    await expect(unreachable.send({ to: '+15551234567', body: 'x' })).rejects.toMatchObject({ permanent: false });
  });

  it('is configured by all three TWILIO_ variables or none', () => {
    const base = { NODE_ENV: 'test', APP_SECRET: 'x'.repeat(40) };
    expect(createSmsSender(loadConfig(base))).toBeUndefined();
    expect(createSmsSender(loadConfig({ ...base, TWILIO_ACCOUNT_SID: 'AC1', TWILIO_AUTH_TOKEN: 't', TWILIO_FROM: '+15005550006' }))?.kind).toBe('twilio');
    expect(() => loadConfig({ ...base, TWILIO_ACCOUNT_SID: 'AC1' })).toThrow(/TWILIO_AUTH_TOKEN/);
  });
});
