import { createConnection, createServer, type Socket } from 'node:net';

export interface TcpProxy {
  readonly port: number;
  /** Destroys every open connection and refuses (accepts and drops) new ones, as a dependency going away does. */
  cut(): void;
  /** Keeps every connection open but forwards nothing either way, as a silent network partition does. */
  stall(): void;
  /** Lets connections through again. */
  restore(): void;
  /** Cuts the moment a client sends bytes containing `pattern` (that chunk is never forwarded): a failure mid-conversation. */
  cutWhen(pattern: string): void;
  close(): Promise<void>;
}

/** A TCP proxy in the test process, in front of a real server, that a test can cut and restore. */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let down = false;
  let trigger: string | undefined;
  let stalled = false;

  const cut = () => {
    down = true;
    stalled = false;
    trigger = undefined;
    for (const socket of sockets) socket.destroy();
    sockets.clear();
  };

  const server = createServer((client) => {
    if (down) return void client.destroy();
    // A stalled proxy still accepts: the client's connect succeeds and then hears nothing.
    const upstream = createConnection(target);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (chunk: Buffer) => {
      if (trigger !== undefined && chunk.includes(trigger)) return cut();
      if (!stalled) upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!stalled) client.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('proxy has no port');

  return {
    port: address.port,
    cut,
    stall: () => {
      stalled = true;
    },
    restore: () => {
      down = false;
      stalled = false;
    },
    cutWhen: (pattern) => {
      trigger = pattern;
    },
    close: async () => {
      cut();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** host and port of a redis:// or postgres:// URL. */
export function targetOf(url: string, defaultPort: number): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname || '127.0.0.1', port: Number(parsed.port || defaultPort) };
}

/** The same URL, pointed at the proxy. */
export function throughProxy(url: string, proxy: TcpProxy): string {
  const parsed = new URL(url);
  parsed.hostname = '127.0.0.1';
  parsed.port = String(proxy.port);
  return parsed.toString();
}
