// Builds the stylesheet (Tailwind) and compiles TypeScript/TSX to dist/.
// `--if-needed` skips the work when the outputs are newer than every source file.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = join(root, 'dist', '.build-stamp');
const css = join(root, 'public', 'build', 'app.css');
const sources = ['src', 'views', 'migrations', 'scripts', 'public/app.js', 'tailwind.config.ts', 'tsconfig.json', 'tsconfig.build.json', 'package.json'];

function newestMtime(path) {
  if (!existsSync(path)) return 0;
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((entry) => newestMtime(join(path, entry))));
}

export function isBuildCurrent() {
  if (!existsSync(stamp) || !existsSync(css)) return false;
  const built = statSync(stamp).mtimeMs;
  return sources.every((source) => newestMtime(join(root, source)) <= built);
}

function run(command, args) {
  const result = spawnSync(join(root, 'node_modules', '.bin', command), args, { cwd: root, stdio: 'inherit' });
  if (result.error || result.status !== 0) {
    console.error(`build step failed: ${command} ${args.join(' ')}${result.error ? ` (${result.error.message})` : ''}`);
    process.exit(result.status || 1);
  }
}

/** The stylesheet alone, when a view or the CSS changed since it was built (tests serve it). */
export function buildStylesheetIfNeeded() {
  const built = existsSync(css) ? statSync(css).mtimeMs : 0;
  if (['views', 'public/app.js'].every((source) => newestMtime(join(root, source)) <= built)) return;
  buildStylesheet();
}

function buildStylesheet() {
  run('tailwindcss', ['--input', 'views/app.css', '--output', 'public/build/app.css', '--minify']);
}

export function build() {
  // From scratch: a view deleted from the sources must not live on as compiled JavaScript.
  rmSync(join(root, 'dist'), { recursive: true, force: true });
  buildStylesheet();
  run('tsc', ['--project', 'tsconfig.build.json']);
  writeFileSync(stamp, new Date().toISOString());
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--if-needed') && isBuildCurrent()) process.exit(0);
  build();
}
