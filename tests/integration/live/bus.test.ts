import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryLiveBus, createRedisLiveBus, RESYNC, type LiveBus, type LiveEvent } from '../../../src/live/bus.js';

const redisUrl = process.env.REDIS_URL;
const opened: LiveBus[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((bus) => bus.close()));
});

/** Collects what a listener hears, and waits for it. */
function recorder() {
  const heard: LiveEvent[] = [];
  return {
    heard,
    listener: (event: LiveEvent) => void heard.push(event),
    waitFor: (count: number) => vi.waitFor(() => expect(heard.length).toBeGreaterThanOrEqual(count), { timeout: 3_000, interval: 10 }),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the in-process bus (no REDIS_URL)', () => {
  const bus = () => {
    const created = createMemoryLiveBus();
    opened.push(created);
    return created;
  };

  it('delivers to the channel’s listeners only, until they unsubscribe', async () => {
    const live = bus();
    const order = recorder();
    const other = recorder();
    const unsubscribe = live.subscribe('order:HS-AAAA0001', order.listener);
    live.subscribe('order:HS-BBBB0002', other.listener);
    await live.publish('order:HS-AAAA0001', { number: 'HS-AAAA0001', status: 'shipped' });
    expect(order.heard).toEqual([{ number: 'HS-AAAA0001', status: 'shipped' }]);
    expect(other.heard).toEqual([]);
    expect(live.listenerCount('order:HS-AAAA0001')).toBe(1);

    unsubscribe();
    await live.publish('order:HS-AAAA0001', { number: 'HS-AAAA0001', status: 'delivered' });
    expect(order.heard).toHaveLength(1);
    expect(live.listenerCount('order:HS-AAAA0001')).toBe(0);
  });

  it('keeps delivering to the others when one listener throws, and reports it', async () => {
    const errors: unknown[] = [];
    const live = createMemoryLiveBus({ onError: (error) => errors.push(error) });
    opened.push(live);
    const second = recorder();
    live.subscribe('orders:new', () => {
      throw new Error('a broken page');
    });
    live.subscribe('orders:new', second.listener);
    await live.publish('orders:new', { number: 'HS-CCCC0003' });
    expect(second.heard).toEqual([{ number: 'HS-CCCC0003' }]);
    expect(errors).toHaveLength(1);
  });

  it('stop() aborts its signal for open streams; after close() nothing is delivered', async () => {
    const live = bus();
    const heard = recorder();
    live.subscribe('orders:new', heard.listener);
    expect(live.stopping.aborted).toBe(false);
    live.stop();
    expect(live.stopping.aborted).toBe(true);
    await live.publish('orders:new', { number: 'HS-DDDD0004' }); // still published while requests finish
    expect(heard.heard).toHaveLength(1);
    await live.close();
    await live.publish('orders:new', { number: 'HS-EEEE0005' });
    expect(heard.heard).toHaveLength(1);
  });
});

describe.runIf(redisUrl)('the Redis bus (REDIS_URL)', () => {
  const topic = () => `hs-test:live:${randomBytes(6).toString('hex')}`;
  const bus = async (name: string, errors: unknown[] = []) => {
    const created = createRedisLiveBus(redisUrl!, { topic: name, onError: (error) => errors.push(error) });
    opened.push(created);
    await created.ready();
    return created;
  };

  it('delivers to a listener in this process once (through Redis, not twice)', async () => {
    const live = await bus(topic());
    const heard = recorder();
    live.subscribe('order:HS-AAAA0001', heard.listener);
    await live.publish('order:HS-AAAA0001', { number: 'HS-AAAA0001', status: 'shipped' });
    await heard.waitFor(1);
    await sleep(100);
    expect(heard.heard).toEqual([{ number: 'HS-AAAA0001', status: 'shipped' }]);
  });

  it('reaches another process’s bus on the same topic, and not one on another topic; unsubscribe stops it', async () => {
    const shared = topic();
    const [processA, processB, elsewhere] = [await bus(shared), await bus(shared), await bus(topic())];
    const onB = recorder();
    const onElsewhere = recorder();
    const unsubscribe = processB.subscribe('orders:new', onB.listener);
    elsewhere.subscribe('orders:new', onElsewhere.listener);

    await processA.publish('orders:new', { number: 'HS-FFFF0006' });
    await onB.waitFor(1);
    expect(onB.heard).toEqual([{ number: 'HS-FFFF0006' }]);

    unsubscribe();
    await processA.publish('orders:new', { number: 'HS-GGGG0007' });
    await sleep(200);
    expect(onB.heard).toHaveLength(1);
    expect(onElsewhere.heard).toEqual([]);
  });

  it('reconnects by itself when its subscriber connection is killed, tells listeners to read again, and hears new events', async () => {
    const name = topic();
    const [publisher, subscriber] = [await bus(name), await bus(name)];
    const heard = recorder();
    subscriber.subscribe('order:HS-HHHH0008', heard.listener);
    const admin = new Redis(redisUrl!);
    try {
      const clients = (await admin.client('LIST')) as string;
      const ids = clients
        .split('\n')
        .filter((line) => line.includes(` name=${name}:subscriber `))
        .map((line) => /(?:^| )id=(\d+)/.exec(line)![1]!);
      expect(ids).toHaveLength(2); // one subscriber connection per bus ("process")
      await admin.client('KILL', 'ID', ids[1]!);
      await admin.client('KILL', 'ID', ids[0]!);
    } finally {
      admin.disconnect();
    }
    await heard.waitFor(1);
    expect(heard.heard[0]).toEqual(RESYNC);
    await publisher.publish('order:HS-HHHH0008', { number: 'HS-HHHH0008', status: 'delivered' });
    await vi.waitFor(() => expect(heard.heard).toContainEqual({ number: 'HS-HHHH0008', status: 'delivered' }), { timeout: 5_000 });
  });

  it('reports a publish it could not make instead of failing the caller', async () => {
    const errors: unknown[] = [];
    const live = createRedisLiveBus('redis://127.0.0.1:1', { topic: topic(), onError: (error) => errors.push(error) });
    opened.push(live);
    await expect(live.publish('orders:new', { number: 'HS-JJJJ0009' })).resolves.toBeUndefined();
    expect(errors.length).toBeGreaterThanOrEqual(1);
  });
});
