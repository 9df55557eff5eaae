import { ConfigError, type Config } from '../config.js';
import type { PaymentProvider, PaymentProviderName } from './provider.js';
import { StripePaymentProvider, type StripeProviderOptions } from './stripe-provider.js';
import { TestPaymentProvider } from './test-provider.js';

export * from './provider.js';
export { STRIPE_WEBHOOK_EVENTS, StripePaymentProvider, stripeEventToPaymentEvent, type StripeProviderOptions } from './stripe-provider.js';
export { cardDigits, containsCardNumber, luhnValid, TEST_CARDS, TestPaymentProvider, type TestPaymentProviderOptions } from './test-provider.js';

export type PaymentSettings = Pick<Config, 'STRIPE_SECRET_KEY' | 'STRIPE_PUBLISHABLE_KEY' | 'STRIPE_WEBHOOK_SECRET' | 'PAYMENTS'>;

/**
 * Which provider the settings choose: the test provider when PAYMENTS=test or no
 * STRIPE_SECRET_KEY is set, Stripe otherwise. PAYMENTS=stripe without a key is a ConfigError.
 */
export function paymentProviderName(settings: PaymentSettings): PaymentProviderName {
  if (settings.PAYMENTS === 'test') return 'test';
  if (settings.STRIPE_SECRET_KEY) return 'stripe';
  if (settings.PAYMENTS === 'stripe') throw new ConfigError(['STRIPE_SECRET_KEY is required when PAYMENTS=stripe']);
  return 'test';
}

export interface CreatePaymentProviderOptions {
  /** Where the Stripe SDK sends requests, its retries and the webhook clock: for tests against a fake. */
  stripe?: Omit<StripeProviderOptions, 'secretKey' | 'publishableKey' | 'webhookSecret'>;
}

/** One per process: the test provider keeps its payments in memory. */
export function createPaymentProvider(settings: PaymentSettings, options: CreatePaymentProviderOptions = {}): PaymentProvider {
  if (paymentProviderName(settings) === 'test') return new TestPaymentProvider();
  return new StripePaymentProvider({
    ...options.stripe,
    secretKey: settings.STRIPE_SECRET_KEY as string,
    ...(settings.STRIPE_PUBLISHABLE_KEY ? { publishableKey: settings.STRIPE_PUBLISHABLE_KEY } : {}),
    ...(settings.STRIPE_WEBHOOK_SECRET ? { webhookSecret: settings.STRIPE_WEBHOOK_SECRET } : {}),
  });
}
