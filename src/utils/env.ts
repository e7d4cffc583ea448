import { existsSync } from 'node:fs';
import { UsageError, MissingSecretsError } from './errors.js';

/** Every secret COCE reads. Values come only from the environment and are scrubbed from every log line. */
export const SECRET_NAMES = [
  'EXCHANGE_API_KEY',
  'EXCHANGE_API_SECRET',
  'DERIBIT_CLIENT_ID',
  'DERIBIT_CLIENT_SECRET',
  'TWITTER_BEARER',
  'COINGECKO_API_KEY',
  'SENTRY_DSN',
  'SLACK_WEBHOOK_URL',
  'COCE_CONSOLE_TOKEN',
  'TELEGRAM_BOT_TOKEN',
] as const;
export type SecretName = (typeof SECRET_NAMES)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type Mode = 'sim' | 'backtest' | 'testnet' | 'live';
export type SleeveChoice = 'core' | 'convex' | 'all';

/** The part of the process environment COCE uses, read once at the edge and passed down as plain data. */
export interface Env {
  secrets: Partial<Record<SecretName, string>>;
  logLevel: LogLevel;
}

/**
 * Load `.env` into process.env when the file exists. Variables already set in the environment win over the file,
 * so systemd's EnvironmentFile or `docker run -e` can override it.
 */
export function loadDotEnv(file = '.env'): boolean {
  if (!existsSync(file)) return false;
  process.loadEnvFile(file);
  return true;
}

export function readEnv(source: NodeJS.ProcessEnv): Env {
  const secrets: Env['secrets'] = {};
  for (const name of SECRET_NAMES) {
    const v = source[name];
    if (v !== undefined && v.trim() !== '') secrets[name] = v;
  }
  // checked here so a malformed value is named but never printed (the Sentry SDK would print a bad DSN whole)
  if (secrets.SENTRY_DSN !== undefined && !/^https?:\/\/[^@\s/]+@[^\s/]+\/\d+$/.test(secrets.SENTRY_DSN)) {
    throw new UsageError('SENTRY_DSN is not a Sentry DSN (expected https://<key>@<host>/<project id>)');
  }
  if (secrets.SLACK_WEBHOOK_URL !== undefined && !/^https?:\/\/\S+$/.test(secrets.SLACK_WEBHOOK_URL)) {
    throw new UsageError('SLACK_WEBHOOK_URL is not an http(s) URL');
  }
  const level = (source.LOG_LEVEL ?? 'info').trim().toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new UsageError(`LOG_LEVEL=${level} is not a log level (one of ${LOG_LEVELS.join(', ')})`);
  }
  return { secrets, logLevel: level as LogLevel };
}

/** The secrets a mode cannot start without. Sim and backtest need none. */
export function requiredSecrets(mode: Mode, sleeve: SleeveChoice): SecretName[] {
  if (mode === 'sim' || mode === 'backtest') return [];
  const core: SecretName[] = ['EXCHANGE_API_KEY', 'EXCHANGE_API_SECRET', 'TWITTER_BEARER'];
  const convex: SecretName[] = ['DERIBIT_CLIENT_ID', 'DERIBIT_CLIENT_SECRET'];
  if (sleeve === 'core') return core;
  if (sleeve === 'convex') return convex;
  return [...core, ...convex];
}

/** Throws MissingSecretsError naming every missing variable (never a value). */
export function assertSecrets(env: Env, mode: Mode, sleeve: SleeveChoice): void {
  const missing = requiredSecrets(mode, sleeve).filter((n) => env.secrets[n] === undefined);
  if (missing.length > 0) throw new MissingSecretsError(mode, missing);
}
