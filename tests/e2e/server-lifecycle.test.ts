import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/lib/paths.js';
import { childEnv, freePort } from '../../scripts/support/start-server.js';

const serverEntry = join(projectRoot, 'dist', 'src', 'server.js');
const dataDir = mkdtempSync(join(tmpdir(), 'hyperstore-lifecycle-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Runs the built server with `env` and collects what it prints until it exits (or `untilMs`). */
function runServer(env: Record<string, string | undefined>) {
  const child = spawn(process.execPath, [serverEntry], {
    cwd: projectRoot,
    env: childEnv({ DATABASE_URL: undefined, REDIS_URL: undefined, DATA_DIR: dataDir, ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = once(child, 'exit').then(([code]) => code as number | null);
  return { child, exit, output: () => output };
}

/** Waits (up to a minute) until the server at `port` answers /readyz with 200. */
async function untilReady(port: number, server: ReturnType<typeof runServer>): Promise<void> {
  for (let tries = 0; !(await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false)); tries++) {
    if (tries > 240) throw new Error(`not ready:\n${server.output()}`);
    await sleep(250);
  }
}

describe('starting', () => {
  it('refuses bad configuration, naming each bad variable', async () => {
    const server = runServer({ PORT: 'eighty', DATABASE_URL: 'mysql://nope', APP_SECRET: 'short' });
    expect(await server.exit).toBe(1);
    expect(server.output()).toMatch(/PORT .*number/);
    expect(server.output()).toContain('DATABASE_URL must be a URL');
    expect(server.output()).toContain('APP_SECRET must be at least 32 characters');
    expect(server.output()).not.toMatch(/\n\s+at /); // a message, not a stack trace
  });
});

describe('logging', () => {
  it('writes request lines in batches, yet a lone line still reaches stdout within a second', async () => {
    const port = await freePort();
    const server = runServer({ PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' });
    try {
      await untilReady(port, server);
      const lineOf = (id: string) => server.output().split('\n').find((line) => line.includes(`"req_id":"${id}"`));
      // One quiet request: its line is far short of a batch, so only the periodic flush sends it.
      await (await fetch(`http://127.0.0.1:${port}/products`, { headers: { 'X-Request-Id': 'lone-line-1' } })).text();
      const sent = Date.now();
      while (!lineOf('lone-line-1') && Date.now() - sent < 1_000) await sleep(20);
      expect(lineOf('lone-line-1') ?? 'no line within a second').toContain('"path":"/products"');

      // A burst larger than a batch: every line arrives, whole and in order of its request.
      const ids = Array.from({ length: 60 }, (_, n) => `burst-${n}`);
      for (const id of ids) await (await fetch(`http://127.0.0.1:${port}/products`, { headers: { 'X-Request-Id': id } })).text();
      const burstSent = Date.now();
      while (!lineOf('burst-59') && Date.now() - burstSent < 1_000) await sleep(20);
      const lines = ids.map(lineOf);
      expect(lines.every((line) => line && JSON.parse(line).status === 200)).toBe(true);
      const positions = ids.map((id) => server.output().indexOf(`"req_id":"${id}"`));
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
    } finally {
      server.child.kill('SIGTERM');
      await server.exit;
    }
  });
});

describe('stopping', () => {
  it('on SIGTERM stops being ready, finishes the request in flight, and exits 0', async () => {
    const port = await freePort();
    const server = runServer({ PORT: String(port), HOST: '127.0.0.1', SHUTDOWN_TIMEOUT_MS: '5000' });
    await untilReady(port, server);
    // A request whose headers are still arriving when SIGTERM comes is in flight.
    const socket = connect(port, '127.0.0.1');
    await once(socket, 'connect');
    socket.write('GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    await sleep(100);
    server.child.kill('SIGTERM');
    await sleep(300);
    let response = '';
    socket.on('data', (chunk: Buffer) => (response += chunk.toString()));
    socket.end('Accept: application/json\r\n\r\n');
    await once(socket, 'close');

    expect(response).toMatch(/^HTTP\/1\.1 503/);
    expect(response).toContain('"shutting_down":true');
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow(); // no longer accepting
    expect(await server.exit).toBe(0);
    expect(server.output()).toContain('"msg":"stopped"');
  });

  it('exits within the grace period even when a request never finishes', async () => {
    const port = await freePort();
    const server = runServer({ PORT: String(port), HOST: '127.0.0.1', SHUTDOWN_TIMEOUT_MS: '1000' });
    await untilReady(port, server);
    // A client that starts a request and never completes it holds its connection open.
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => {});
    await once(socket, 'connect');
    socket.write('GET /products HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    await sleep(100);
    const started = Date.now();
    server.child.kill('SIGTERM');
    expect(await server.exit).toBe(0);
    // The deadline (1 s) closes what is left; then the process stops, well before an orchestrator's SIGKILL.
    expect(Date.now() - started).toBeLessThan(1_000 + 2_000);
    expect(server.output()).toContain('shutdown deadline reached');
    socket.destroy();
  });
});
