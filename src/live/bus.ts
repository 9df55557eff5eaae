import { EventEmitter } from 'node:events';
import { Redis } from 'ioredis';

/**
 * What travels on the bus: a small flat record saying what changed. Listeners read the state
 * they show from the database again, so an event never has to carry (or be trusted for) it.
 */
export type LiveEvent = Readonly<Record<string, string | number | boolean | null>>;
export type LiveListener = (event: LiveEvent) => void;

/** Sent to every listener after the bus may have missed events (Redis came back): read again. */
export const RESYNC: LiveEvent = Object.freeze({ resync: true });

/**
 * Live updates between the code that changes things and the pages that show them.
 * Publish only after the change's transaction has committed: an event about a rolled-back
 * change must never go out.
 */
export interface LiveBus {
  readonly kind: 'memory' | 'redis';
  /** Never rejects: a lost live update leaves a page stale until its next event or reconnect; it must not fail the request that made the change. */
  publish(channel: string, event: LiveEvent): Promise<void>;
  /** Returns the unsubscribe function. */
  subscribe(channel: string, listener: LiveListener): () => void;
  listenerCount(channel: string): number;
  /** Resolves once events published by other processes can arrive here. */
  ready(): Promise<void>;
  /** Aborted by stop(): open streams end on it, so a shutdown never waits on them. */
  readonly stopping: AbortSignal;
  /** Ends the streams but keeps publishing, for the requests still finishing during shutdown. */
  stop(): void;
  close(): Promise<void>;
}

export interface LiveBusOptions {
  /** The one Redis channel this store's events travel on; tests sharing a Redis use their own. */
  topic?: string;
  onError?: (error: unknown) => void;
}

/** In-process when there is no Redis (one server process), else Redis pub/sub across processes. */
export function createLiveBus(redisUrl: string | undefined, options: LiveBusOptions = {}): LiveBus {
  return redisUrl ? createRedisLiveBus(redisUrl, options) : createMemoryLiveBus(options);
}

/** Local listeners by channel; a listener that throws is reported and does not stop the others. */
function createFanOut(onError: (error: unknown) => void) {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0); // one listener per open page: there may be thousands
  return {
    emit: (channel: string, event: LiveEvent) => void emitter.emit(channel, event),
    resyncAll: () => emitter.eventNames().forEach((channel) => emitter.emit(channel, RESYNC)),
    subscribe(channel: string, listener: LiveListener): () => void {
      const safe: LiveListener = (event) => {
        try {
          listener(event);
        } catch (error) {
          onError(error);
        }
      };
      emitter.on(channel, safe);
      return () => void emitter.off(channel, safe);
    },
    listenerCount: (channel: string) => emitter.listenerCount(channel),
  };
}

function lifecycle() {
  const controller = new AbortController();
  return { stopping: controller.signal, stop: () => controller.abort() };
}

export function createMemoryLiveBus(options: LiveBusOptions = {}): LiveBus {
  const fanOut = createFanOut(options.onError ?? (() => {}));
  const { stopping, stop } = lifecycle();
  let closed = false;
  return {
    kind: 'memory',
    publish: async (channel, event) => {
      if (!closed) fanOut.emit(channel, event);
    },
    subscribe: fanOut.subscribe,
    listenerCount: fanOut.listenerCount,
    ready: async () => {},
    stopping,
    stop,
    close: async () => {
      stop();
      closed = true;
    },
  };
}

/**
 * One connection publishes; one more per process is in subscriber mode (where it can do
 * nothing else) on a single channel carrying every event, fanned out here by name. Both
 * reconnect by themselves. A subscription is made again on every reconnect, and listeners are
 * then told to read again (RESYNC), since whatever was published meanwhile is gone.
 */
export function createRedisLiveBus(url: string, options: LiveBusOptions = {}): LiveBus {
  const topic = options.topic ?? 'hs:live';
  const onError = options.onError ?? (() => {});
  const fanOut = createFanOut(onError);
  const { stopping, stop } = lifecycle();
  const connection = { connectTimeout: 2_000, retryStrategy: (attempt: number) => Math.min(attempt * 200, 2_000), enableOfflineQueue: false };
  const publisher = new Redis(url, { ...connection, maxRetriesPerRequest: 1, commandTimeout: 1_000 });
  // Named, so an operator (or a test) can tell it apart in CLIENT LIST.
  const subscriber = new Redis(url, { ...connection, autoResubscribe: false, connectionName: `${topic.replace(/[^\w:.-]/g, '_')}:subscriber` });
  // Connection errors are expected while Redis is away; the reconnects and publish() report what matters.
  publisher.on('error', () => {});
  subscriber.on('error', () => {});

  let subscribedOnce = false;
  let markReady!: () => void;
  const subscribed = new Promise<void>((resolve) => (markReady = resolve));
  subscriber.on('ready', () => {
    subscriber.subscribe(topic).then(() => {
      if (subscribedOnce) fanOut.resyncAll();
      subscribedOnce = true;
      markReady();
    }, onError);
  });
  subscriber.on('message', (channel: string, message: string) => {
    if (channel !== topic) return;
    const parsed = parseMessage(message);
    if (parsed) fanOut.emit(parsed.channel, parsed.event);
    else onError(new Error(`unreadable live event on ${topic}`));
  });

  // Only the first connection is waited for (briefly); later outages fail fast, as the store's do.
  const firstReady = new Promise<void>((resolve) => publisher.once('ready', () => resolve()));
  const publisherReady = () => (publisher.status === 'ready' ? Promise.resolve() : Promise.race([firstReady, rejectAfter(1_000)]));

  return {
    kind: 'redis',
    publish: async (channel, event) => {
      try {
        await publisherReady();
        // Our own subscriber hears it too: local listeners are reached through Redis only, once.
        await publisher.publish(topic, JSON.stringify({ channel, event }));
      } catch (error) {
        onError(error);
      }
    },
    subscribe: fanOut.subscribe,
    listenerCount: fanOut.listenerCount,
    ready: () => subscribed,
    stopping,
    stop,
    close: async () => {
      stop();
      publisher.disconnect();
      subscriber.disconnect();
    },
  };
}

function parseMessage(message: string): { channel: string; event: LiveEvent } | undefined {
  try {
    const value = JSON.parse(message) as { channel?: unknown; event?: unknown };
    if (typeof value.channel !== 'string' || typeof value.event !== 'object' || value.event === null) return undefined;
    return { channel: value.channel, event: value.event as LiveEvent };
  } catch {
    return undefined;
  }
}

function rejectAfter(ms: number): Promise<never> {
  return new Promise((_, reject) => setTimeout(() => reject(new Error(`Redis not reachable within ${ms} ms`)), ms).unref());
}
