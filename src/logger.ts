import { pino, type Logger } from 'pino';

/** JSON lines on stdout; secrets that could ride along in objects are redacted by path. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'hyperstore' },
    redact: {
      paths: ['password', '*.password', 'token', '*.token', 'authorization', '*.authorization', 'cookie', '*.cookie', 'secret', '*.secret'],
      censor: '[redacted]',
    },
  });
}
