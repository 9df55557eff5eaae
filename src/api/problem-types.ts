/**
 * Every problem `type` the API answers with (https://hyperstore.dev/problems/<kind>) and what a
 * client should make of it, for the docs page. Clients branch on these, so a kind, once used,
 * keeps its meaning within v1. tests/integration/api/docs.test.ts fails when src/api uses a
 * kind that is not listed here.
 */
export const PROBLEM_TYPES: Record<string, string> = {
  validation: 'A field, parameter or filter is missing or invalid; `errors` names each one (body.x, query.x, path.x).',
  malformed: 'The body is not valid JSON.',
  'unsupported-media-type': 'The body is not JSON: send Content-Type: application/json.',
  'too-large': 'The body is larger than 64 KB.',
  unauthorized: 'No bearer token where one is needed, or the Authorization header is not "Bearer <token>", or the token or key is unknown, expired or revoked.',
  'invalid-credentials': 'Sign-in refused: the e-mail or password is wrong (the same answer for both).',
  'mfa-required': 'The account has two-factor authentication: send the code too.',
  'invalid-code': 'The two-factor code is wrong or used.',
  'invalid-token': 'A refresh, reset or other one-time token is unknown, expired or already used.',
  'token-reused': 'A refresh token was used twice: its whole family is now revoked; sign in again.',
  forbidden: 'The token may not do this (a customer on a staff route, an API key on a user route, staff without two-factor authentication).',
  'not-found': 'No such resource, or it belongs to someone else (the two are not told apart).',
  conflict: 'The request conflicts with the current state of the resource; `detail` says how.',
  'transition-refused': 'The order cannot make that move from its current status; `detail` says why.',
  'own-account': 'Staff cannot change their own role or status.',
  rule: 'The request breaks a rule of the store; `detail` says which.',
  'wrong-password': 'The current password given is not the account’s.',
  'weak-password': 'The new password is too short, too common or found in a breach.',
  'address-limit': 'The address book is full.',
  'payment-declined': 'The payment provider declined the card; nothing was charged and the cart is intact.',
  'payment-provider-unavailable': 'The payment provider did not answer as expected; nothing was charged and the order still awaits payment. Try again shortly.',
  'idempotency-conflict': 'An Idempotency-Key was reused with a different request.',
  'rate-limited': 'A quota is spent: wait for Retry-After seconds.',
  unavailable: 'A dependency (database, Redis) is briefly unavailable: retry after Retry-After seconds.',
  internal: 'Something failed on our side; quote `instance` if you contact us.',
  http: 'Another HTTP-level refusal; `status` and `detail` say which.',
};
