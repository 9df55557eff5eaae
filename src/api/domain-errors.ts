import { CartError } from '../cart/carts.js';
import { CancelError } from '../orders/cancel.js';
import { CheckoutError } from '../orders/place-order.js';
import { PaymentProviderError } from '../payments/index.js';
import { ApiProblem, conflict, unprocessable } from './problem.js';

/**
 * A domain refusal (CartError, CheckoutError, CancelError, a payment provider's failure) as the problem the API answers, with
 * the domain's own words as its detail; anything else is not ours to translate.
 */
export function domainProblem(error: unknown): ApiProblem | undefined {
  if (error instanceof CartError || error instanceof CheckoutError) {
    if (error.status === 404) return new ApiProblem(404, 'not-found', 'Not found', error.message);
    return error.status === 409 ? conflict(error.message) : unprocessable(error.message);
  }
  if (error instanceof CancelError) return conflict(error.message);
  // The provider's own words may name its internals; the app only needs to know to try again.
  if (error instanceof PaymentProviderError) return new ApiProblem(503, 'payment-provider-unavailable', 'Temporarily unavailable', 'The payment provider did not answer as expected. Nothing was charged; try again shortly.');
  return undefined;
}

/** Runs a domain command; a refusal becomes its problem (never a 500), anything else goes on up. */
export async function refusalsAsProblems<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw domainProblem(error) ?? error;
  }
}
