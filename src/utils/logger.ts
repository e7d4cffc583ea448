import { pino, type Logger } from 'pino';
import { createRequire } from 'node:module';
import type { build as PinoPrettyBuild } from 'pino-pretty';
import type { LogLevel } from './env.js';
import { REDACTED, type SecretScrubber } from './secret-scrubber.js';

export type { Logger } from 'pino';

/**
 * Keys whose values never reach a log line. pino's redact matches listed paths only (a `*` covers one level, `**`
 * nothing), so common nestings are spelled out; the SecretScrubber catches anything that slips past by value.
 */
const SECRET_KEYS = [
  'apiKey',
  'apiSecret',
  'secret',
  'password',
  'token',
  'bearer',
  'authorization',
  'clientSecret',
  'privateKey',
  'dsn',
  'webhookUrl',
];
export const REDACT_PATHS = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((k) => `*.${k}`),
  ...SECRET_KEYS.map((k) => `*.*.${k}`),
  'headers.Authorization',
  '*.headers.authorization',
  '*.headers.Authorization',
  'env',
  '*.env',
  'secrets',
  '*.secrets',
];

export interface LoggerOptions {
  level: LogLevel;
  /** Human-readable lines (a terminal) instead of JSON lines. */
  pretty: boolean;
  scrubber: SecretScrubber;
  /** Where lines go; stdout by default. */
  out?: { write(chunk: string): unknown };
}

/** The one root logger; components take `log.child({ component })`. */
export function createLogger(o: LoggerOptions): Logger {
  const sink = o.scrubber.wrap(o.out ?? process.stdout);
  const opts = {
    level: o.level,
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: REDACTED },
  };
  if (!o.pretty) return pino(opts, sink);
  // loaded on first use (48 ms of module load that JSON-line runs, the daemon's default, never need)
  const pinoPretty = createRequire(import.meta.url)('pino-pretty') as typeof PinoPrettyBuild;
  const pretty = pinoPretty({ sync: true, colorize: true, translateTime: 'SYS:HH:MM:ss', destination: sink });
  return pino(opts, pretty);
}
