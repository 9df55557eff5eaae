import type { Context } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import type { AppEnv } from '../web/context.js';
import type { LiveBus } from './bus.js';

/** A comment this often keeps proxies and load balancers from closing a quiet stream. */
export const HEARTBEAT_MS = 20_000;
/** How soon a browser comes back after the stream drops; htmx doubles it per failed try, up to a minute. */
export const RETRY_MS = 2_000;

/**
 * How many streams one client (an IP, its /64 for IPv6) may hold open in one process. A
 * shopper has a tab or a few; more is a script holding sockets open, which would otherwise
 * cost a socket and a bus listener each, without end.
 */
export const MAX_STREAMS_PER_CLIENT = 16;

/** Open streams per client, per bus (each app has its own bus, so tests do not share counts). */
const openStreams = new WeakMap<LiveBus, Map<string, number>>();

/** What a page shows live: its HTML, and a version naming it (the event id). */
export interface LiveView {
  html: string;
  version: string;
}

export interface LiveStreamSpec {
  /** The bus channels whose events make the view worth reading again. */
  channels: string[];
  /** The view now, or undefined when the viewer may no longer see it (the stream ends). */
  render: () => Promise<LiveView | undefined>;
  /** Who is asking, for the per-client cap (rateLimit's key: the client's IP). */
  client: string;
}

const versionPattern = /^[\w-]{1,64}$/;

/**
 * Server-sent events carrying a fragment for htmx to swap. The browser says what it shows
 * (Last-Event-ID after a reconnect, else the page's `since`); the view is sent at once if that
 * is out of date, so nothing published while it was away is missed, and again after each event
 * on its channels. It ends when the client goes, the viewer loses access, or the process stops.
 */
export function streamLive(c: Context<AppEnv>, live: LiveBus, spec: LiveStreamSpec): Response {
  if (live.stopping.aborted) {
    // Shutting down: the browser tries again in a moment (another process, behind a balancer).
    c.header('HX-Reswap', 'none');
    c.header('Retry-After', '2');
    return c.body(null, 503);
  }
  const counts = openStreams.get(live) ?? new Map<string, number>();
  openStreams.set(live, counts);
  if ((counts.get(spec.client) ?? 0) >= MAX_STREAMS_PER_CLIENT) {
    c.header('HX-Reswap', 'none');
    c.header('Retry-After', '30');
    return c.body(null, 429);
  }
  const since = [c.req.header('Last-Event-ID'), c.req.query('since')].find((value) => value !== undefined && versionPattern.test(value));
  const log = c.get('log');
  counts.set(spec.client, (counts.get(spec.client) ?? 0) + 1);
  const release = () => {
    const left = (counts.get(spec.client) ?? 1) - 1;
    if (left > 0) counts.set(spec.client, left);
    else counts.delete(spec.client);
  };
  const response = streamSSE(c, (stream) => follow(stream).finally(release));
  async function follow(stream: SSEStreamingApi): Promise<void> {
    const { promise: ended, resolve: end } = Promise.withResolvers<void>();
    const stop = () => end();
    stream.onAbort(stop);
    c.req.raw.signal.addEventListener('abort', stop);
    live.stopping.addEventListener('abort', stop);
    const refresh = serialRefresh(stream, spec, since, (error) => {
      log.warn({ err: error }, 'live stream ended by an error');
      end();
    }, end);
    const unsubscribes = spec.channels.map((channel) => live.subscribe(channel, refresh.run));
    const heartbeat = setInterval(() => void stream.write(': heartbeat\n\n'), HEARTBEAT_MS);
    try {
      await stream.writeSSE({ event: 'hs:live', data: 'connected', retry: RETRY_MS });
      refresh.run(); // subscribed first, so no change slips between this read and the events
      await ended;
    } finally {
      refresh.close();
      clearInterval(heartbeat);
      for (const unsubscribe of unsubscribes) unsubscribe();
      c.req.raw.signal.removeEventListener('abort', stop);
      live.stopping.removeEventListener('abort', stop);
    }
  }
  response.headers.set('Cache-Control', 'no-store');
  response.headers.set('X-Accel-Buffering', 'no'); // nginx: pass each event on as it comes
  // The socket closes with the stream. Otherwise a shutdown that ends the streams still waits
  // for the browsers to drop their now idle keep-alive sockets, which they may keep for minutes.
  response.headers.set('Connection', 'close');
  return response;
}

/** Renders run one at a time, in order, so two events never write out of order or twice. */
function serialRefresh(stream: SSEStreamingApi, spec: LiveStreamSpec, since: string | undefined, fail: (error: unknown) => void, end: () => void) {
  let shown = since;
  let closed = false;
  let queue = Promise.resolve();
  const once = async () => {
    if (closed) return;
    const view = await spec.render();
    if (!view) return end();
    if (closed || view.version === shown) return;
    shown = view.version;
    await stream.writeSSE({ data: view.html, id: view.version });
  };
  return {
    run: () => {
      queue = queue.then(once).catch(fail);
    },
    close: () => {
      closed = true;
    },
  };
}
