// Runs a compiled entry point (e.g. src/server.js) after building whatever is missing or stale,
// so `npm start` works straight after `npm ci`. In the container the build is already there.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const entry = process.argv[2];
if (!entry) {
  console.error('usage: node scripts/run.mjs <path inside dist, e.g. src/server.js>');
  process.exit(2);
}
if (existsSync(join(root, 'node_modules', '.bin', 'tsc'))) {
  const { build, isBuildCurrent } = await import('./build.mjs');
  if (!isBuildCurrent()) {
    console.error('Building the store (first run, or sources changed)…');
    build();
  }
}
process.argv.splice(2, 1);
await import(pathToFileURL(join(root, 'dist', entry)).href);
