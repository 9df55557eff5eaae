import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { arch, cpus, loadavg, release } from 'node:os';

/**
 * Replaces the `<!-- name:start -->…<!-- name:end -->` section of a Markdown file (BENCHMARKS.md),
 * or appends it at the end when the file has none yet; the rest of the file is kept as it is.
 */
export function writeSection(file: string, name: string, body: string): void {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const section = `${start}\n${body.trim()}\n${end}`;
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const from = text.indexOf(start);
  const to = text.indexOf(end, from);
  const next = from >= 0 && to >= 0 ? text.slice(0, from) + section + text.slice(to + end.length) : `${text.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, next);
}

/** One line on the machine a measurement ran on, for the reader to judge the numbers by. */
export function machineLine(): string {
  const cpu = cpus();
  const load = loadavg()
    .map((value) => value.toFixed(2))
    .join(', ');
  return `${cpu[0]?.model.trim() ?? 'unknown CPU'} × ${cpu.length}, ${arch()}, Linux ${release()}, Node ${process.version}, load average ${load} at start`;
}

export const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
