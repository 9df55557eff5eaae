import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * A small closed-loop HTTP driver for `npm run load`: autocannon replays fixed requests, but a
 * shopper must carry its own cookie and read ids out of answers, so each virtual user here is
 * an async loop over node:http with a keep-alive agent of one socket per user.
 */

export interface Answer {
  status: number;
  retryAfter: string | undefined;
  location: string | undefined;
  setCookies: string[];
}

/** Every response's time per route group, its statuses, and socket errors. */
export class Recorder {
  readonly groups = new Map<string, { times: number[]; statuses: Map<number, number>; socketErrors: number; socketErrorKinds: Map<string, number> }>();
  recording = false;

  #group(name: string) {
    let group = this.groups.get(name);
    if (!group) this.groups.set(name, (group = { times: [], statuses: new Map(), socketErrors: 0, socketErrorKinds: new Map() }));
    return group;
  }

  /** `counted`: the request was sent while recording (so a slow answer after the window still counts). */
  answer(name: string, ms: number, status: number, counted = this.recording): void {
    if (!counted) return;
    const group = this.#group(name);
    group.times.push(ms);
    group.statuses.set(status, (group.statuses.get(status) ?? 0) + 1);
  }

  /** Requests sent again because their reused keep-alive socket had been closed by the server meanwhile. */
  staleRetries = 0;

  staleRetry(_group: string, counted = this.recording): void {
    if (counted) this.staleRetries++;
  }

  /** `kind`: the error's code (ECONNRESET, a timeout...), so a report says what went wrong, not just that something did. */
  socketError(name: string, counted = this.recording, kind = 'socket'): void {
    if (!counted) return;
    const group = this.#group(name);
    group.socketErrors++;
    group.socketErrorKinds.set(kind, (group.socketErrorKinds.get(kind) ?? 0) + 1);
  }
}

/** A reused keep-alive socket turned out closed by the server (see #requestRetryingStale). */
class StaleSocketError extends Error {
  override name = 'StaleSocketError';
  readonly code = 'ECONNRESET';
}

/** One shopper: its own socket and cookie jar. */
export class VirtualUser {
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 1 });
  readonly #cookies = new Map<string, string>();

  constructor(
    private readonly base: URL,
    private recorder: Recorder,
    private readonly timeoutMs: number,
  ) {}

  /** Later answers go to `recorder` (one per phase of a run). */
  useRecorder(recorder: Recorder): void {
    this.recorder = recorder;
  }

  forgetCookies(): void {
    this.#cookies.clear();
  }

  close(): void {
    this.#agent.destroy();
  }

  /** Sends one request, records it under `group`; a socket error or timeout resolves to undefined. */
  async send(group: string, method: 'GET' | 'POST', path: string, form?: Record<string, string>): Promise<Answer | undefined> {
    const body = form ? new URLSearchParams(form).toString() : undefined;
    const headers: Record<string, string> = { 'accept-encoding': 'br, gzip' };
    if (body !== undefined) Object.assign(headers, { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)) });
    if (this.#cookies.size) headers.cookie = [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const started = performance.now();
    const counted = this.recorder.recording;
    try {
      const answer = await this.#requestRetryingStale(group, method, path, headers, body);
      this.recorder.answer(group, performance.now() - started, answer.status, counted);
      for (const cookie of answer.setCookies) {
        const [pair = ''] = cookie.split(';');
        const cut = pair.indexOf('=');
        if (cut > 0) this.#cookies.set(pair.slice(0, cut), pair.slice(cut + 1));
      }
      // A shopper shown "back in a moment" waits before trying again, as the page's Retry-After
      // asks; a driver that came straight back would measure a stampede no browser makes.
      if (answer.status === 503 && answer.retryAfter) await sleep(Math.min(10, Number(answer.retryAfter) || 1) * 1000);
      return answer;
    } catch (error) {
      this.recorder.socketError(group, counted, (error as NodeJS.ErrnoException).code ?? (error as Error).message);
      return undefined;
    }
  }

  /**
   * A keep-alive socket the server closed as idle (its 65 s timeout) while this request was
   * being written fails with ECONNRESET before any answer: browsers send such a request again
   * on a new connection, and so does this shopper, once (Node's documentation advises the same:
   * `request.reusedSocket`). Counted, so a report can say how often it happened.
   */
  async #requestRetryingStale(group: string, method: string, path: string, headers: Record<string, string>, body: string | undefined): Promise<Answer> {
    try {
      return await this.#request(method, path, headers, body);
    } catch (error) {
      if (!(error instanceof StaleSocketError)) throw error;
      this.recorder.staleRetry(group);
      return this.#request(method, path, headers, body);
    }
  }

  #request(method: string, path: string, headers: Record<string, string>, body: string | undefined): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const outgoing = request(new URL(path, this.base), { method, headers, agent: this.#agent, timeout: this.timeoutMs }, (response) => {
        // The body is read to the end (as a browser would) but not kept: scenarios never parse pages.
        response.resume();
        response.on('error', reject);
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            retryAfter: response.headers['retry-after'],
            location: response.headers.location,
            setCookies: response.headers['set-cookie'] ?? [],
          }),
        );
      });
      outgoing.on('timeout', () => outgoing.destroy(new Error('timeout')));
      outgoing.on('error', (error: NodeJS.ErrnoException) => reject(outgoing.reusedSocket && error.code === 'ECONNRESET' ? new StaleSocketError() : error));
      outgoing.end(body);
    });
  }
}

/** Answers that did what was asked (2xx, 3xx): the store's goodput, which capacity is measured in. */
export function successes(recorder: Recorder): number {
  let count = 0;
  for (const group of recorder.groups.values()) for (const [status, times] of group.statuses) if (status >= 200 && status < 400) count += times;
  return count;
}

/** The p-th percentile (nearest rank) of sorted values. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}
