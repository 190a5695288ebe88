// Structured JSON logs. Personal data never goes in: log ids, never names, phones, addresses or notes.
// The redact list is a second guard for the day someone forgets.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string, name = 'dugnad'): Logger {
  return pino({
    name,
    level,
    redact: {
      paths: ['*.name', '*.phone', '*.address', '*.notes', '*.handoverNote', '*.text', '*.email', 'req.headers.authorization'],
      censor: '[redacted]',
    },
  });
}
