import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { offlineConfig, tmp } from '../helpers.js';
import { dirArgs, spawnCoce } from './process.js';

// Fake values shaped like real ones; none may appear in any output or file a run writes.
const FAKE = {
  EXCHANGE_API_KEY: 'fakeKEY8d1f0c2b7a9e4d3c',
  EXCHANGE_API_SECRET: 'fakeSECRET+5b2a/8c7d9e0f1a2b3c==',
  DERIBIT_CLIENT_ID: 'fakeDERIBITid77',
  DERIBIT_CLIENT_SECRET: 'fakeDERIBITsecret_93jf02',
  TWITTER_BEARER: 'AAAAAAAAAAAAAAAAAAAAAfakeBearer%2Ftoken',
  COINGECKO_API_KEY: 'CG-fakeCoinGeckoKey1',
  SENTRY_DSN: 'https://fakepublickey0a1b@o0.ingest.invalid/1',
  SLACK_WEBHOOK_URL: 'https://hooks.slack.invalid/services/T000/B000/fakeSlackHook123',
};

function everythingWritten(dir: string, outputs: string[]): string {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else files.push(readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return [...outputs, ...files].join('\n');
}

describe('no secret reaches a log line', () => {
  it('keeps fake keys out of stdout, stderr, logs and state at LOG_LEVEL=trace, in every path', async () => {
    const dir = tmp();
    const env = { ...FAKE, LOG_LEVEL: 'trace' };
    const outputs: string[] = [];
    const record = (e: { stdout: string; stderr: string; code: number | null }) => {
      outputs.push(e.stdout, e.stderr);
      return e.code;
    };
    expect(record(await spawnCoce(['run', '--days', '1', ...dirArgs(dir)], { env }).done)).toBe(0);
    // testnet gets past its key checks and fails at the (closed, local) exchange: every message still scrubbed
    expect(record(await spawnCoce(['run', '--mode', 'testnet', '--sleeve', 'all', '--config', offlineConfig(dir), ...dirArgs(join(dir, 'tn'))], { env }).done)).toBe(2);
    expect(record(await spawnCoce(['run', '--mode', 'live', ...dirArgs(dir)], { env }).done)).toBe(2);
    // a secret inside an error message (here a file path) is scrubbed too
    expect(record(await spawnCoce(['validate-config', join(dir, `${FAKE.EXCHANGE_API_SECRET}.yaml`)], { env }).done)).toBe(2);
    // and secrets read from .env are known to the scrubber
    writeFileSync(join(dir, '.env'), `EXCHANGE_API_KEY=${FAKE.EXCHANGE_API_KEY}\nLOG_LEVEL=trace\n`);
    expect(record(await spawnCoce(['validate-config', `${FAKE.EXCHANGE_API_KEY}.yaml`], { cwd: dir }).done)).toBe(2);
    expect(record(await spawnCoce(['status', '--state-dir', join(dir, 'data')], { env }).done)).toBe(0);

    const all = everythingWritten(dir, outputs).replace(readFileSync(join(dir, '.env'), 'utf8'), '');
    expect(all.length).toBeGreaterThan(1_000); // there was plenty of output to search
    expect(all).toContain('[redacted]');
    for (const [name, value] of Object.entries(FAKE)) {
      expect(all.includes(value), `${name} leaked`).toBe(false);
      expect(all.includes(encodeURIComponent(value)), `${name} leaked URL-encoded`).toBe(false);
    }
  });
});
