import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';

/** One server-sent event as it arrived, or a comment line (the heartbeat). */
export interface SseMessage {
  event?: string;
  data?: string;
  id?: string;
  retry?: number;
  comment?: string;
}

function parseBlock(block: string): SseMessage {
  const message: SseMessage = {};
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) message.comment = line.slice(1).trim();
    const match = /^(event|data|id|retry): ?(.*)$/.exec(line);
    if (!match) continue;
    const [, field, value = ''] = match;
    if (field === 'data') message.data = message.data === undefined ? value : `${message.data}\n${value}`;
    else if (field === 'retry') message.retry = Number(value);
    else message[field as 'event' | 'id'] = value;
  }
  return message;
}

export interface EventStream {
  response: Response;
  messages: SseMessage[];
  readonly ended: boolean;
  /** The next message not taken yet that matches, waiting up to timeoutMs for it. */
  next(matches?: (message: SseMessage) => boolean, timeoutMs?: number): Promise<SseMessage>;
  /** Untaken messages that match, after waiting `ms` for any to arrive. */
  quietFor(ms: number, matches?: (message: SseMessage) => boolean): Promise<SseMessage[]>;
  close(): Promise<void>;
}

/** Reads an event stream over real HTTP, as a browser's fetch does (htmx 4 streams with fetch). */
export async function openEventStream(url: string, headers: Record<string, string> = {}): Promise<EventStream> {
  const controller = new AbortController();
  const response = await fetch(url, { headers: { Accept: 'text/html, text/event-stream', ...headers }, signal: controller.signal, redirect: 'manual' });
  const messages: SseMessage[] = [];
  const taken = new Set<SseMessage>();
  let ended = false;
  const pump = (async () => {
    if (!response.body || !response.headers.get('Content-Type')?.startsWith('text/event-stream')) return;
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += value;
        for (let cut = buffer.indexOf('\n\n'); cut >= 0; cut = buffer.indexOf('\n\n')) {
          messages.push(parseBlock(buffer.slice(0, cut)));
          buffer = buffer.slice(cut + 2);
        }
      }
    } catch {
      // aborted by close()
    }
  })().finally(() => (ended = true));
  const untaken = (matches: (message: SseMessage) => boolean) => messages.filter((message) => !taken.has(message) && matches(message));
  return {
    response,
    messages,
    get ended() {
      return ended;
    },
    // A loop of its own rather than vi.waitFor, which moves faked timers on (the heartbeat test fakes setInterval).
    async next(matches = () => true, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const [found] = untaken(matches);
        if (found) {
          taken.add(found);
          return found;
        }
        if (Date.now() > deadline) throw new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(messages)}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    async quietFor(ms, matches = () => true) {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return untaken(matches);
    },
    close: async () => {
      controller.abort();
      await pump;
    },
  };
}

/** The app on a real port, for streams (app.request() cannot show a response arriving in parts). */
export async function listen(app: { fetch: (request: Request) => Response | Promise<Response> }): Promise<{ url: string; server: Server; close: () => Promise<void> }> {
  const server = await new Promise<Server>((resolve) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started as Server));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A data event carrying a fragment (not the hello event or a heartbeat). */
export const isFragment = (message: SseMessage) => message.data !== undefined && message.event === undefined;
