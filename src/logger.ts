import { pino, type Logger } from 'pino';

/**
 * Lines held until this many bytes are waiting (about twenty request lines), then written in
 * one system call. In profiles of cached pages, a write per line (even asynchronous, one per
 * turn of the event loop) was a sixth of the server's time: as much as the page's own socket
 * write.
 */
const WRITE_BATCH_BYTES = 4096;
/** How long a line may wait for its batch to fill when traffic is light. */
const FLUSH_EVERY_MS = 200;

/**
 * JSON lines on stdout; secrets that could ride along in objects are redacted by path. Lines
 * go out in batches (above), and pino writes whatever is still held when the process exits,
 * so only a SIGKILL can lose the last fraction of a second.
 */
export function createLogger(level: string): Logger {
  const options = {
    level,
    base: { service: 'hyperstore' },
    redact: {
      paths: ['password', '*.password', 'token', '*.token', 'authorization', '*.authorization', 'cookie', '*.cookie', 'secret', '*.secret'],
      censor: '[redacted]',
    },
  };
  return pino(options, pino.destination({ dest: 1, sync: false, minLength: WRITE_BATCH_BYTES, periodicFlush: FLUSH_EVERY_MS }));
}
