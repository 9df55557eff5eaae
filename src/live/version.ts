import { createHash } from 'node:crypto';

/**
 * A short name for what a live fragment shows. It is the SSE event id, and the `since` a page
 * connects with, so a stream sends a fragment only when it differs from what the browser has.
 */
export function liveVersion(shown: string | object): string {
  const text = typeof shown === 'string' ? shown : JSON.stringify(shown);
  return createHash('sha1').update(text).digest('base64url').slice(0, 16);
}
