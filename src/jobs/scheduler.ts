import type { Logger } from 'pino';

export interface Job {
  name: string;
  everyMs: number;
  run: () => Promise<unknown>;
}

/**
 * Runs each job every `everyMs` in this process, never overlapping itself. Jobs claim their
 * work with row locks (SKIP LOCKED), so several processes running the same jobs do each piece
 * once. Timers are unref'd; stop() waits for runs in progress, for a clean shutdown.
 */
export function startJobs(jobs: Job[], log: Logger): { stop: () => Promise<void> } {
  const running = new Set<Promise<unknown>>();
  const timers = jobs.map((job) => {
    let busy = false;
    const tick = () => {
      if (busy) return;
      busy = true;
      const run = job
        .run()
        .then((result) => log.debug({ job: job.name, result }, 'job ran'))
        .catch((error: unknown) => log.error({ err: error, job: job.name }, 'job failed'))
        .finally(() => {
          busy = false;
          running.delete(run);
        });
      running.add(run);
    };
    const timer = setInterval(tick, job.everyMs);
    timer.unref();
    return timer;
  });
  return {
    stop: async () => {
      for (const timer of timers) clearInterval(timer);
      await Promise.allSettled([...running]);
    },
  };
}
