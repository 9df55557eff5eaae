import { pino, type Logger } from 'pino';

/**
 * JSON lines on stdout; secrets that could ride along in objects are redacted by path. The
 * writes are asynchronous: lines logged while one write is under way go out together in the
 * next (one system call per batch, not per request line, which showed in profiles of cached
 * pages), and pino flushes what is left when the process exits.
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
  return pino(options, pino.destination({ dest: 1, sync: false }));
}
