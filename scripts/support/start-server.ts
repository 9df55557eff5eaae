import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { projectRoot } from '../../src/lib/paths.js';

export interface RunningServer {
  url: string;
  stop(): Promise<void>;
}

/** A port nobody listens on right now, picked by the operating system. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const address = probe.address();
  probe.close();
  if (!address || typeof address === 'string') throw new Error('could not pick a free port');
  return address.port;
}

/** This process's environment with `overrides` applied; `undefined` removes a variable. */
export function childEnv(overrides: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...overrides };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
  return env;
}

/**
 * Runs the built server (dist/src/server.js) and resolves once /readyz answers 200. The
 * embedded database seeds itself on first start, so readiness can take several seconds.
 */
export async function startServer(env: NodeJS.ProcessEnv, readyTimeoutMs = 60_000): Promise<RunningServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--enable-source-maps', join(projectRoot, 'dist', 'src', 'server.js')], {
    cwd: projectRoot,
    env: { ...env, PORT: String(port), HOST: '127.0.0.1', APP_URL: url },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = once(child, 'exit');

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };

  const deadline = Date.now() + readyTimeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the store exited with code ${child.exitCode} before it was ready:\n${output}`);
    const response = await fetch(`${url}/readyz`).catch(() => undefined);
    if (response?.ok) return { url, stop };
    await sleep(250);
  }
  await stop();
  throw new Error(`the store was not ready within ${readyTimeoutMs} ms:\n${output}`);
}
