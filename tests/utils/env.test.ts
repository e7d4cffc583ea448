import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { assertSecrets, loadDotEnv, readEnv, requiredSecrets } from '../../src/utils/env.js';
import { MissingSecretsError, UsageError } from '../../src/utils/errors.js';
import { tmp } from '../helpers.js';

describe('environment', () => {
  afterEach(() => {
    delete process.env.COCE_TEST_DOTENV;
    delete process.env.COCE_TEST_KEEP;
  });

  it('reads the secrets that are set and non-empty, and the log level', () => {
    const env = readEnv({ EXCHANGE_API_KEY: 'k-123456', EXCHANGE_API_SECRET: '  ', LOG_LEVEL: 'DEBUG', OTHER: 'x' });
    expect(env).toEqual({ secrets: { EXCHANGE_API_KEY: 'k-123456' }, logLevel: 'debug' });
    expect(readEnv({}).logLevel).toBe('info');
  });

  it('rejects an unknown LOG_LEVEL with the allowed values', () => {
    expect(() => readEnv({ LOG_LEVEL: 'verbose' })).toThrow(UsageError);
    expect(() => readEnv({ LOG_LEVEL: 'verbose' })).toThrow(
      'LOG_LEVEL=verbose is not a log level (one of fatal, error, warn, info, debug, trace, silent)',
    );
  });

  it('names a malformed SENTRY_DSN or SLACK_WEBHOOK_URL without printing it', () => {
    expect(() => readEnv({ SENTRY_DSN: 'topsecretvalue' })).toThrow('SENTRY_DSN is not a Sentry DSN (expected https://<key>@<host>/<project id>)');
    expect(() => readEnv({ SLACK_WEBHOOK_URL: 'hooks.slack.com/secret' })).toThrow('SLACK_WEBHOOK_URL is not an http(s) URL');
    expect(readEnv({ SENTRY_DSN: 'https://abc123@o1.ingest.sentry.io/42' }).secrets.SENTRY_DSN).toBe('https://abc123@o1.ingest.sentry.io/42');
  });

  it('needs no secrets in sim and backtest, and the right ones per sleeve in testnet and live', () => {
    expect(requiredSecrets('sim', 'all')).toEqual([]);
    expect(requiredSecrets('backtest', 'core')).toEqual([]);
    expect(requiredSecrets('testnet', 'core')).toEqual(['EXCHANGE_API_KEY', 'EXCHANGE_API_SECRET', 'TWITTER_BEARER']);
    expect(requiredSecrets('live', 'convex')).toEqual(['DERIBIT_CLIENT_ID', 'DERIBIT_CLIENT_SECRET']);
    expect(requiredSecrets('live', 'all')).toHaveLength(5);
  });

  it('names every missing variable and never a value', () => {
    const env = readEnv({ EXCHANGE_API_KEY: 'present-key-value' });
    let caught: unknown;
    try {
      assertSecrets(env, 'testnet', 'all');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(MissingSecretsError);
    expect((caught as Error).message).toBe(
      'mode testnet needs these environment variables, which are not set: EXCHANGE_API_SECRET, TWITTER_BEARER, DERIBIT_CLIENT_ID, DERIBIT_CLIENT_SECRET',
    );
    expect((caught as Error).message).not.toContain('present-key-value');
    expect(() => assertSecrets(env, 'sim', 'all')).not.toThrow();
  });

  it('loads .env when present without overriding variables already set', () => {
    const dir = tmp();
    expect(loadDotEnv(join(dir, '.env'))).toBe(false);
    writeFileSync(join(dir, '.env'), 'COCE_TEST_DOTENV=from-file\nCOCE_TEST_KEEP=from-file\n');
    process.env.COCE_TEST_KEEP = 'from-env';
    expect(loadDotEnv(join(dir, '.env'))).toBe(true);
    expect(process.env.COCE_TEST_DOTENV).toBe('from-file');
    expect(process.env.COCE_TEST_KEEP).toBe('from-env');
  });
});
