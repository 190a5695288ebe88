// Structured JSON logs. Personal data never goes in: log ids, never names, phones, addresses or notes.
// The redact list is a second guard for the day someone forgets.
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** `destination` defaults to stdout; tests pass a stream to read what was logged. */
export function createLogger(level: string, name = 'dugnad', destination?: DestinationStream): Logger {
  const options = {
    name,
    level,
    redact: {
      paths: ['*.name', '*.phone', '*.address', '*.notes', '*.handoverNote', '*.text', '*.email', 'req.headers.authorization'],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
