import { z } from 'zod';

/** A text message to a phone, in E.164 form (+15551234567). */
export interface SmsMessage {
  to: string;
  body: string;
}

/** Sends one SMS now; throws SmsError. The outbox decides when to try again. */
export interface SmsSender {
  readonly kind: 'twilio';
  send(message: SmsMessage): Promise<{ providerId: string }>;
}

/**
 * What went wrong. `permanent` means trying again cannot help (a number the provider refuses,
 * bad credentials); anything else (a timeout, a 5xx, 429) is worth another attempt later.
 */
export class SmsError extends Error {
  override name = 'SmsError';
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

/** E.164: a plus, a country code and at most 15 digits in all. Anything else is not sent. */
export const e164Phone = z
  .string()
  .trim()
  .transform((value) => value.replace(/[\s().-]/g, ''))
  .pipe(z.string().regex(/^\+[1-9][0-9]{7,14}$/, 'Enter the number with its country code, like +1 555 123 4567.'));

export interface TwilioSettings {
  accountSid: string;
  authToken: string;
  from: string;
  /** https://api.twilio.com unless a test points it at a fake. */
  apiUrl: string;
}

const twilioAnswer = z.object({ sid: z.string() });
const twilioProblem = z.object({ code: z.number().optional(), message: z.string().optional() });

/**
 * Twilio's Messages resource over its REST API (one form POST), which is all the store
 * needs; the official SDK would bring far more code than this. Credentials go in the
 * Authorization header only, never in a URL or a log line.
 */
export function createTwilioSender(settings: TwilioSettings, fetchImpl: typeof fetch = fetch): SmsSender {
  const endpoint = new URL(`/2010-04-01/Accounts/${encodeURIComponent(settings.accountSid)}/Messages.json`, settings.apiUrl);
  const authorization = `Basic ${Buffer.from(`${settings.accountSid}:${settings.authToken}`).toString('base64')}`;
  return {
    kind: 'twilio',
    async send(message) {
      const to = e164Phone.parse(message.to);
      let response: Response;
      try {
        response = await fetchImpl(endpoint, {
          method: 'POST',
          headers: { Authorization: authorization, 'Content-Type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ To: to, From: settings.from, Body: message.body.slice(0, 1600) }),
          signal: AbortSignal.timeout(10_000),
        });
      } catch (error) {
        throw new SmsError(`SMS provider unreachable: ${(error as Error).message}`, false);
      }
      const body: unknown = await response.json().catch(() => ({}));
      if (response.ok) return { providerId: twilioAnswer.parse(body).sid };
      const problem = twilioProblem.safeParse(body);
      const detail = problem.success ? `${problem.data.code ?? ''} ${problem.data.message ?? ''}`.trim() : '';
      // 4xx other than 429 (too many requests) will be refused again: a bad number, bad credentials.
      const permanent = response.status >= 400 && response.status < 500 && response.status !== 429;
      throw new SmsError(`SMS refused (${response.status})${detail ? `: ${detail}` : ''}`, permanent);
    },
  };
}

/** An SMS sender when Twilio is configured; without it the store simply sends no texts. */
export function createSmsSender(config: { TWILIO_ACCOUNT_SID?: string | undefined; TWILIO_AUTH_TOKEN?: string | undefined; TWILIO_FROM?: string | undefined; TWILIO_API_URL: string }): SmsSender | undefined {
  if (!config.TWILIO_ACCOUNT_SID || !config.TWILIO_AUTH_TOKEN || !config.TWILIO_FROM) return undefined;
  return createTwilioSender({ accountSid: config.TWILIO_ACCOUNT_SID, authToken: config.TWILIO_AUTH_TOKEN, from: config.TWILIO_FROM, apiUrl: config.TWILIO_API_URL });
}
