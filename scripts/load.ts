import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { dropRedisPrefix, scratchRedisPrefix } from './support/scratch-redis.js';
import { projectRoot } from '../src/lib/paths.js';
import { childEnv, startServer } from './support/start-server.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { percentile, Recorder, successes, VirtualUser } from './support/load-driver.js';

/**
 * `npm run load`: the issue 9 mix (60 % browse, 20 % search, 15 % cart, 5 % guest checkout with
 * the test card) over LOAD_CONNECTIONS connections (default 1,000), against the store on a fresh
 * seeded Postgres database and the real Redis, in three phases: a short saturating probe for
 * capacity; an open loop at LOAD_OPEN_PERCENT (default 50) of it for LOAD_DURATION seconds
 * (default 60), the run the latency aims are for; a saturating closed loop as long. Then checks
 * the books: no stock sold twice or lost, no negative stock, every order's total adds up. Prints
 * the results and writes them into BENCHMARKS.md between the load markers.
 */

const settings = {
  connections: positive('LOAD_CONNECTIONS', 1_000),
  durationSeconds: positive('LOAD_DURATION', 60),
  warmupSeconds: positive('LOAD_WARMUP', 5),
  timeoutMs: positive('LOAD_TIMEOUT_MS', 30_000),
  /** Seconds of the closed-loop probe that measures capacity before the open-loop run. */
  probeSeconds: positive('LOAD_PROBE', 10),
  /** The open-loop run's share of the measured capacity, in per cent (the issue: about half). */
  openPercent: positive('LOAD_OPEN_PERCENT', 50),
};
/** Requests one scenario sends on average (browse 1, search 1, cart 2, checkout 3), to turn a request rate into an arrival rate. */
const MEAN_REQUESTS_PER_SCENARIO = 0.6 * 1 + 0.2 * 1 + 0.15 * 2 + 0.05 * 3;
/** The issue's latency aim for the open-loop run, per route group. */
const AIM = { p95: 25, p99: 50 };
const POSTGRES_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const MIX: Array<[number, Scenario]> = [[0.6, browse], [0.2, search], [0.15, cart], [0.05, checkout]];
const GROUPS = ['browse: home', 'browse: listing', 'browse: category', 'browse: product', 'search', 'cart: add', 'cart: view', 'checkout: add', 'checkout: form', 'checkout: place'];
const START = '<!-- load:start -->';
const END = '<!-- load:end -->';
const ADDRESS = { full_name: 'Load Shopper', address_line1: '1 Benchmark Way', address_line2: '', city: 'Springfield', state: 'IL', postal_code: '62701', country: 'US', phone: '' };

interface Catalog {
  products: string[];
  categories: string[];
  variants: number[];
  words: string[];
}
type Scenario = (user: VirtualUser, catalog: Catalog) => Promise<void>;

function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a whole number above 0, got "${raw}"`);
  return value;
}

const pick = <T>(values: T[]): T => values[Math.floor(Math.random() * values.length)]!;

/** The store's answer when the units asked for are no longer there: a correct refusal, not a failure. */
const SOLD_OUT = 409;

async function browse(user: VirtualUser, catalog: Catalog): Promise<void> {
  const roll = Math.random();
  if (roll < 0.2) await user.send('browse: home', 'GET', '/');
  else if (roll < 0.45) await user.send('browse: listing', 'GET', `/products${Math.random() < 0.5 ? '' : `?page=${1 + Math.floor(Math.random() * 5)}`}`);
  else if (roll < 0.6) await user.send('browse: category', 'GET', `/categories/${pick(catalog.categories)}`);
  else await user.send('browse: product', 'GET', `/products/${pick(catalog.products)}`);
}

async function search(user: VirtualUser, catalog: Catalog): Promise<void> {
  await user.send('search', 'GET', `/products?q=${encodeURIComponent(pick(catalog.words))}`);
}

/**
 * Adds a unit of a variant the shop showed in stock. A 409 says its last units just went to
 * other shoppers: from then on the shop shows it sold out, so no shopper picks it again.
 */
async function addOne(user: VirtualUser, catalog: Catalog, group: string) {
  const variantId = pick(catalog.variants);
  const added = await user.send(group, 'POST', '/cart/items', { variant_id: String(variantId), quantity: '1' });
  if (added?.status === SOLD_OUT && catalog.variants.length > 1) catalog.variants = catalog.variants.filter((id) => id !== variantId);
  return added;
}

/** A new visitor adds a unit and looks at the cart. */
async function cart(user: VirtualUser, catalog: Catalog): Promise<void> {
  user.forgetCookies();
  const added = await addOne(user, catalog, 'cart: add');
  if (added && added.status < 400) await user.send('cart: view', 'GET', '/cart');
}

/** A new visitor buys one unit as a guest through the real checkout form, with the test card. */
async function checkout(user: VirtualUser, catalog: Catalog): Promise<void> {
  user.forgetCookies();
  const added = await addOne(user, catalog, 'checkout: add');
  if (!added || added.status >= 400) return;
  const form = await user.send('checkout: form', 'GET', '/checkout');
  if (!form || form.status >= 400) return;
  const email = `load.${randomBytes(5).toString('hex')}@example.test`;
  await user.send('checkout: place', 'POST', '/checkout', { email, ...ADDRESS, shipping_method: 'standard', card_number: '4242 4242 4242 4242' });
}

function scenarioFor(roll: number): Scenario {
  let sum = 0;
  for (const [share, scenario] of MIX) if (roll < (sum += share)) return scenario;
  return browse;
}

async function readCatalog(client: pg.Client): Promise<Catalog> {
  const products = await client.query<{ slug: string; name: string }>('SELECT slug, name FROM products');
  const categories = await client.query<{ slug: string }>('SELECT slug FROM categories');
  const words = [...new Set(products.rows.flatMap((row) => row.name.toLowerCase().split(/[^a-z]+/)).filter((word) => word.length >= 4))];
  return { products: products.rows.map((row) => row.slug), categories: categories.rows.map((row) => row.slug), variants: await variantsInStock(client), words };
}

/** Closed loop: every shopper sends its next request as soon as the last is answered (saturates the store). */
async function driveClosed(users: VirtualUser[], catalog: Catalog, recorder: Recorder, seconds: number, warmupSeconds: number): Promise<{ seconds: number }> {
  let stopAt = Date.now() + warmupSeconds * 1000;
  const loop = async (user: VirtualUser) => {
    while (Date.now() < stopAt) await scenarioFor(Math.random())(user, catalog);
  };
  if (warmupSeconds > 0) await Promise.all(users.map(loop));
  recorder.recording = true;
  const started = performance.now();
  stopAt = Date.now() + seconds * 1000;
  await Promise.all(users.map(loop));
  recorder.recording = false;
  return { seconds: (performance.now() - started) / 1000 };
}

/**
 * Open loop: shoppers arrive at a fixed average rate (Poisson arrivals) whether or not earlier
 * ones are done, as real traffic does, so a slow answer cannot slow the load down and hide
 * itself (coordinated omission). Each arrival takes an idle connection of the pool; one that
 * finds none waits and is counted as late, since its wait is latency the table does not show.
 */
async function driveOpen(users: VirtualUser[], catalog: Catalog, recorder: Recorder, requestsPerSecond: number, seconds: number, warmupSeconds: number) {
  const arrivalsPerMs = requestsPerSecond / MEAN_REQUESTS_PER_SCENARIO / 1000;
  const idle = [...users];
  const waiting: Array<(user: VirtualUser) => void> = [];
  const running = new Set<Promise<void>>();
  let late = 0;
  const release = (user: VirtualUser) => {
    const next = waiting.shift();
    if (next) next(user);
    else idle.push(user);
  };
  const arrive = async () => {
    let user = idle.pop();
    if (!user) {
      if (recorder.recording) late++;
      user = await new Promise<VirtualUser>((resolve) => waiting.push(resolve));
    }
    try {
      await scenarioFor(Math.random())(user, catalog);
    } finally {
      release(user);
    }
  };
  const began = performance.now();
  const recordFrom = began + warmupSeconds * 1000;
  const endAt = recordFrom + seconds * 1000;
  let due = began;
  while (due < endAt) {
    const now = performance.now();
    if (!recorder.recording && now >= recordFrom) recorder.recording = true;
    // Launch every arrival whose time has come; the next one is an exponential gap away.
    while (due <= now && due < endAt) {
      const task = arrive();
      running.add(task);
      void task.finally(() => running.delete(task));
      due += -Math.log(1 - Math.random()) / arrivalsPerMs;
    }
    await sleep(Math.max(0, Math.min(due, endAt) - performance.now()));
  }
  // Requests sent before the end still count when they are answered (the driver notes it at send).
  recorder.recording = false;
  await Promise.all(running);
  return { seconds, late };
}

/** The books after the run: what the orders hold, what is left on the shelf, what they cost. */
async function checkConsistency(client: pg.Client, initialStock: Map<number, number>): Promise<{ lines: string[]; sound: boolean }> {
  const { rows } = await client.query<{ id: number; stock: number; held: string }>(
    `SELECT v.id, v.stock, coalesce(sum(i.quantity) FILTER (WHERE o.status <> 'cancelled'), 0) AS held
     FROM product_variants v LEFT JOIN order_items i ON i.variant_id = v.id LEFT JOIN orders o ON o.id = i.order_id
     GROUP BY v.id, v.stock`,
  );
  const drifted = rows.filter((row) => (initialStock.get(row.id) ?? 0) - Number(row.held) !== row.stock);
  const negative = rows.filter((row) => row.stock < 0);
  const totals = await client.query<{ number: string }>(
    `SELECT o.number FROM orders o JOIN (SELECT order_id, sum(unit_price_cents * quantity) AS lines FROM order_items GROUP BY order_id) i ON i.order_id = o.id
     WHERE o.subtotal_cents <> i.lines
        OR o.total_cents <> i.lines - o.discount_cents + o.shipping_cents + CASE WHEN o.prices_include_tax THEN 0 ELSE o.tax_cents END`,
  );
  const orders = await client.query<{ status: string; count: string; units: string }>(
    `SELECT o.status, count(DISTINCT o.id) AS count, coalesce(sum(i.quantity), 0) AS units FROM orders o LEFT JOIN order_items i ON i.order_id = o.id GROUP BY o.status ORDER BY o.status`,
  );
  const sold = orders.rows.map((row) => `${row.status} ${row.count} (${row.units} units)`).join(', ') || 'none';
  const sound = drifted.length === 0 && negative.length === 0 && totals.rows.length === 0;
  const lines = [
    `Orders placed: ${sold}.${orders.rows.some((row) => row.status === 'pending') ? ' Pending orders (placed, then the payment step failed, e.g. with a 503) hold their units until the expiry job gives them back.' : ''}`,
    `Stock: ${drifted.length === 0 ? `**consistent** for all ${rows.length} variants` : `**${drifted.length} variants drifted** (ids ${drifted.slice(0, 10).map((row) => row.id).join(', ')})`} (initial stock − units in orders not cancelled = current stock).`,
    `Negative stock: ${negative.length === 0 ? '**none**' : `**${negative.length} variants**`}.`,
    `Order totals: ${totals.rows.length === 0 ? '**every order adds up**' : `**${totals.rows.length} orders do not add up** (${totals.rows.slice(0, 5).map((row) => row.number).join(', ')})`} (items + shipping + tax − discount = total).`,
  ];
  return { lines, sound };
}

/**
 * Issue 9's aim for the saturated run: no timeouts or connection errors (a 503 is the store
 * shedding load as it should, not an error here; any other 5xx is), and the books sound.
 */
function saturatedVerdict(recorder: Recorder, booksSound: boolean): string {
  let shed = 0;
  let failed = 0;
  const connectionErrors = new Map<string, number>();
  for (const group of recorder.groups.values()) {
    for (const [status, count] of group.statuses) {
      if (status === 503) shed += count;
      else if (status >= 500) failed += count;
    }
    for (const [kind, count] of group.socketErrorKinds) connectionErrors.set(kind, (connectionErrors.get(kind) ?? 0) + count);
  }
  const broken = [...connectionErrors.values()].reduce((sum, count) => sum + count, 0);
  const met = broken === 0 && failed === 0 && booksSound;
  const kinds = [...connectionErrors].map(([kind, count]) => `${kind}×${count}`).join(', ');
  return `Aim (issue 9, saturated): no timeouts or connection errors, load shed with a 503 page, no oversell: **${met ? 'met' : 'not met'}**: ${broken} timeouts or connection errors${kinds ? ` (${kinds})` : ''}, ${failed} server errors other than 503, ${shed} answers shed with 503, books ${booksSound ? 'sound' : '**not sound**'}.`;
}

function ms(value: number): string {
  return Number.isFinite(value) ? value.toFixed(value < 10 ? 1 : 0) : '—';
}

function resultsTable(recorder: Recorder, seconds: number, aim?: typeof AIM): { table: string[]; total: number; errors: number; met: boolean } {
  const table = [
    `| route group | requests | requests/s | p50 (ms) | p95 (ms) | p99 (ms) | sold out (409) | errors | error statuses |${aim ? ' aim |' : ''}`,
    `| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |${aim ? ' --- |' : ''}`,
  ];
  let total = 0;
  let errors = 0;
  let met = true;
  for (const name of GROUPS) {
    const group = recorder.groups.get(name);
    if (!group) continue;
    const sorted = Float64Array.from(group.times).sort();
    const soldOut = group.statuses.get(SOLD_OUT) ?? 0;
    const bad = [...group.statuses].filter(([status]) => (status < 200 || status >= 400) && status !== SOLD_OUT);
    const groupErrors = bad.reduce((sum, [, count]) => sum + count, 0) + group.socketErrors;
    const statuses = [...bad.map(([status, count]) => `${status}×${count}`), ...[...group.socketErrorKinds].map(([kind, count]) => `${kind}×${count}`)].join(', ') || '—';
    const [p50, p95, p99] = [50, 95, 99].map((p) => percentile(sorted, p)) as [number, number, number];
    const groupMet = !aim || (groupErrors === 0 && p95 < aim.p95 && p99 < aim.p99);
    met &&= groupMet;
    total += sorted.length;
    errors += groupErrors;
    table.push(
      `| ${name} | ${sorted.length.toLocaleString('en-US')} | ${Math.round(sorted.length / seconds).toLocaleString('en-US')} | ${ms(p50)} | ${ms(p95)} | ${ms(p99)} | ${soldOut} | ${groupErrors} | ${statuses} |${aim ? (groupMet ? ' met |' : ' not met |') : ''}`,
    );
  }
  return { table, total, errors, met };
}

async function variantsInStock(client: pg.Client): Promise<number[]> {
  return (await client.query<{ id: number }>('SELECT id FROM product_variants WHERE stock > 0')).rows.map((row) => row.id);
}

function writeReport(section: string): void {
  const path = join(projectRoot, 'BENCHMARKS.md');
  const current = readFileSync(path, 'utf8');
  const start = current.indexOf(START);
  const end = current.indexOf(END);
  const next = start >= 0 && end > start ? current.slice(0, start) + section + current.slice(end + END.length) : `${current.trimEnd()}\n\n${section}\n`;
  writeFileSync(path, next);
}

async function main(): Promise<void> {
  const loadAverage = os.loadavg();
  const database = `hs_load_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${database}`;
  const dataDir = mkdtempSync(join(os.tmpdir(), 'hyperstore-load-'));
  const redisPrefix = scratchRedisPrefix('load');
  const env = childEnv({ NODE_ENV: undefined, LOG_LEVEL: 'warn', DATA_DIR: dataDir, DATABASE_URL: url.href, REDIS_URL, REDIS_PREFIX: redisPrefix, SMTP_URL: undefined });
  const client = new pg.Client({ connectionString: url.href });
  let stopServer: (() => Promise<void>) | undefined;
  try {
    execFileSync(process.execPath, [join(projectRoot, 'dist', 'src', 'cli', 'seed.js')], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    const server = await startServer(env);
    stopServer = server.stop;
    await client.connect();
    const catalog = await readCatalog(client);
    const initialStock = new Map((await client.query<{ id: number; stock: number }>('SELECT id, stock FROM product_variants')).rows.map((row) => [row.id, row.stock]));
    const users = Array.from({ length: settings.connections }, () => new VirtualUser(new URL(server.url), new Recorder(), settings.timeoutMs));
    const useRecorder = (recorder: Recorder) => users.forEach((user) => user.useRecorder(recorder));

    // 1. A short saturating probe: what this machine can serve of the mix right now.
    const probe = new Recorder();
    useRecorder(probe);
    console.log(`load: probing capacity with ${settings.connections} shoppers for ${settings.probeSeconds} s (after ${settings.warmupSeconds} s warm-up)…`);
    const probed = await driveClosed(users, catalog, probe, settings.probeSeconds, settings.warmupSeconds);
    // Capacity is what was served, not answered: a quick 503 is not capacity.
    const capacity = successes(probe) / probed.seconds;
    const openRate = (capacity * settings.openPercent) / 100;

    // 2. Open loop at a share of it: the run the issue's latency aims are stated for.
    const open = new Recorder();
    useRecorder(open);
    catalog.variants = await variantsInStock(client);
    console.log(`load: open loop at ${Math.round(openRate)} requests/s (${settings.openPercent} % of ${Math.round(capacity)}) for ${settings.durationSeconds} s…`);
    const opened = await driveOpen(users, catalog, open, openRate, settings.durationSeconds, settings.warmupSeconds);

    // 3. Closed loop, saturating, for capacity and correctness under overload.
    const closed = new Recorder();
    useRecorder(closed);
    catalog.variants = await variantsInStock(client);
    console.log(`load: closed loop, ${settings.connections} shoppers for ${settings.durationSeconds} s…`);
    const { seconds } = await driveClosed(users, catalog, closed, settings.durationSeconds, 0);
    for (const user of users) user.close();
    await stopServer(); // its in-flight work (and the payment settlements) done before the books are read
    stopServer = undefined;
    const books = await checkConsistency(client, initialStock);
    const openResults = resultsTable(open, opened.seconds, AIM);
    const { table, total, errors } = resultsTable(closed, seconds);
    const version = (await admin.query<{ server_version: string }>('show server_version')).rows[0]?.server_version;
    const section = [
      START,
      '## Load: the shopping mix at scale (`npm run load`)',
      '',
      `Written by \`npm run load\` (scripts/load.ts) on ${new Date().toISOString()}, against one store process on a fresh seeded Postgres database (${version}) and Redis, \`LOG_LEVEL=warn\`. Mix: 60 % browse (home, listing, category, product), 20 % search, 15 % cart (a new visitor adds a unit, then views the cart), 5 % guest checkout (add, checkout form, place the order with the test card 4242…), each new visitor with its own cookie jar, over ${settings.connections.toLocaleString('en-US')} keep-alive connections. The load generator (a small node:http driver, scripts/support/load-driver.ts) runs on the same ${os.cpus().length}-core machine (${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}, load average ${loadAverage.map((value) => value.toFixed(2)).join(', ')} at start), unpinned, so it competes with the store and Postgres for the CPU. Times are client-side, from sending to the last byte. Errors are answers other than 2xx/3xx, socket errors and timeouts after ${settings.timeoutMs / 1000} s. A 409 is counted apart, as sold out: the store refusing a unit whose last stock went to another shopper a moment before (the demo catalog's real stock runs out during a run) is the right answer, not a failure; a shopper then picks among variants still in stock, as the shop's pages would show them. Override with LOAD_CONNECTIONS, LOAD_DURATION, LOAD_WARMUP, LOAD_PROBE, LOAD_OPEN_PERCENT.`,
      '',
      `### Open loop at ${settings.openPercent} % of capacity`,
      '',
      `A ${settings.probeSeconds} s saturating probe served **${Math.round(capacity).toLocaleString('en-US')} requests/s** (2xx and 3xx answers only); shoppers then arrived at random (Poisson) at ${settings.openPercent} % of that, **${Math.round(openRate).toLocaleString('en-US')} requests/s**, for ${settings.durationSeconds} s after a ${settings.warmupSeconds} s warm-up, whether or not earlier ones were answered. ${openResults.total.toLocaleString('en-US')} requests, **${openResults.errors} errors**, ${opened.late} arrivals found all ${settings.connections.toLocaleString('en-US')} connections busy and waited. Aim (issue 9): no errors, p95 under ${AIM.p95} ms and p99 under ${AIM.p99} ms in every route group: **${openResults.met ? 'met' : 'not met'}**.`,
      '',
      ...openResults.table,
      '',
      '### Closed loop (saturated)',
      '',
      `${settings.connections.toLocaleString('en-US')} shoppers, each sending its next request when the last is answered, for ${settings.durationSeconds} s: this saturates the store, so times are mostly queueing; it measures capacity and correctness under overload. A 503 is the store shedding load or failing fast (a Redis command or a wait for a Postgres connection outlasting its timeout) rather than hanging; a shopper who gets one waits as its Retry-After asks (at most 10 s) before going on, as a person looking at the “back in a moment” page would.`,
      '',
      `**${Math.round(total / seconds).toLocaleString('en-US')} requests/s** in all, ${total.toLocaleString('en-US')} requests, **${errors.toLocaleString('en-US')} errors** (503s included). ${saturatedVerdict(closed, books.sound)} ${closed.staleRetries} requests found their kept-alive connection just closed by the server as idle and were sent again on a new one, as browsers do.`,
      '',
      ...table,
      '',
      'After both runs (the store stopped first, so nothing is in flight):',
      '',
      ...books.lines.map((line) => `- ${line}`),
      END,
    ].join('\n');
    // LOAD_WRITE=0: a trial run that prints its section without touching BENCHMARKS.md.
    if (process.env.LOAD_WRITE !== '0') writeReport(section);
    console.log(`\n${section}\n\nload: ${process.env.LOAD_WRITE === '0' ? 'left BENCHMARKS.md alone (LOAD_WRITE=0)' : 'wrote BENCHMARKS.md'}`);
  } finally {
    await stopServer?.();
    await client.end().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await dropRedisPrefix(REDIS_URL, redisPrefix);
    await admin.end();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error('load failed:', error);
  process.exitCode = 1;
});
