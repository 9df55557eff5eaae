import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { Hono } from 'hono';

/**
 * The benchmark's floor: Hono on the same Node adapter and listen options as the store
 * (src/server.ts), answering a short string with no middleware, database or rendering.
 */
const app = new Hono();
app.get('/', (c) => c.text('Hello from a bare Hono handler'));

const port = Number(process.env.PORT ?? 3000);
const server = createAdaptorServer({ fetch: app.fetch }) as Server;
server.keepAliveTimeout = 65_000;
server.listen({ port, host: '0.0.0.0', backlog: 4096 }, () => {
  console.log(`bare Hono handler listening on port ${port}`);
});
