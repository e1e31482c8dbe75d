import { type DestinationStream, type Logger, pino } from 'pino';
import type { LogLevel } from '../config/config.js';

/**
 * Paths pino blanks before a line is written (STYLE "Config, logging, shutdown": never log keys,
 * the HMK, passwords or MACs). They cover request bodies and headers that a careless
 * `log.info({ req })` or `log.info({ body })` would otherwise leak, at any nesting pino supports.
 */
export const REDACT_PATHS = Object.freeze([
  'password',
  '*.password',
  'passwordHash',
  '*.passwordHash',
  'hmk',
  '*.hmk',
  'mac',
  '*.mac',
  'hmac',
  '*.hmac',
  'encryptedSecrets',
  '*.encryptedSecrets',
  'passphraseHash',
  '*.passphraseHash',
  'csrfToken',
  '*.csrfToken',
  'sessionKey',
  '*.sessionKey',
  'privateKey',
  '*.privateKey',
  'credentials',
  '*.credentials',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
  'headers.cookie',
  'headers["x-csrf-token"]',
  'headers.authorization',
  'body',
  '*.body',
]);

/**
 * The vault's one structured logger (JSON lines on stdout). Components take a child:
 * `logger.child({ component: 'http' })`. Errors go as `{ err }` so pino serialises their stack,
 * which stays in the log and never crosses the wire (DESIGN §4.1).
 *
 * @example
 * const logger = createLogger('info');
 * logger.child({ component: 'pool' }).info({ modules: 2 }, 'pool ready');
 */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'indicium-vault' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
}
