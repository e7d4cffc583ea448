/**
 * Fuzz target: exchange answers. `coce run --mode testnet` through the real ccxt binance client against the loopback
 * exchange (with CoinGecko and X on it) whose answers are damaged at seeded rates: cut-off JSON, HTML pages,
 * fields of the wrong type, missing, negative, NaN or huge, empty bodies, timeouts after an order was accepted,
 * dropped connections, 429/418, 5xx, partial fills and rejects. Two runs of one cycle each on the same account (the
 * second a new run that takes over the first one's book and resting orders; a restart in the same bar would wait on
 * the wall clock for the next one).
 * Whatever the exchange says: exit 0 or 2 with a message, no secret in any output, a loadable state.json after
 * every run, and never an order sent twice.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { parseState } from '../../src/state/state-store.js';
import type { LoopbackBinance } from '../execution/loopback-binance.js';
import { tmp } from '../helpers.js';
import { config, env, exchange, KEY, SECRET } from '../e2e/loopback-testnet.js';
import { coce, expectClean, fuzzTimeout, expectNoSecretInFiles, fuzzParams } from './fuzz-harness.js';

const rate = fc.constantFrom(0, 0, 0.02, 0.1, 0.3);
const faults = fc.record({
  garble: fc.constantFrom(0, 0.01, 0.05, 0.2, 0.6),
  timeoutAfterAccept: rate,
  dropAfterAccept: rate,
  rateLimit: rate,
  banned: rate,
  serverError: rate,
  partialFill: rate,
  reject: rate,
});

let ex: LoopbackBinance | null = null;
afterEach(async () => {
  await ex?.stop();
  ex = null;
});

describe('fuzz: exchange answers (loopback Binance, real ccxt client)', () => {
  it('testnet runs against a damaged exchange: exit 0 or 2, no secret, a loadable state, no order sent twice', async () => {
    const seen: Record<string, number> = {};
    const exits = { ok: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(faults, fc.nat(1_000_000), async (rates, seed) => {
        await ex?.stop();
        ex = await exchange(undefined, { faults: rates, seed }).start();
        const cwd = tmp();
        const cfg = config(cwd, ex.base);
        let submittedInFirst: number | undefined;
        for (let round = 0; round < 2; round++) {
          const dir = join(cwd, `round-${round}`);
          const o = await coce(['run', '--mode', 'testnet', '--cycles', '1', '--config', cfg, '--state-dir', join(dir, 'data'), '--log-dir', join(dir, 'logs')], cwd, env);
          // a refusal at start-up names the exchange it could not use
          expectClean(o, ['binance', 'exchange', 'CoinGecko', 'coingecko'], [KEY, SECRET, env.TWITTER_BEARER]);
          if (o.code === 0) exits.ok++;
          else exits.refused++;
          // within a run, never an order sent twice; the second run (a new state in the same bar) derives the same ids
          // as the first, and the exchange refusing those as duplicates is the idempotency doing its job
          const firstRun = new Set(ex.submissions.slice(0, submittedInFirst ?? ex.submissions.length));
          expect(ex.duplicateSubmissions.filter((id) => round === 0 || !firstRun.has(id))).toEqual([]);
          if (round === 0) submittedInFirst = ex.submissions.length;
          let statePresent = true;
          let text = '';
          try {
            text = readFileSync(join(dir, 'data', 'state.json'), 'utf8');
          } catch {
            statePresent = false; // refused before the run began: nothing saved
          }
          if (statePresent) parseState(text, 'state.json');
          else expect(o.code).toBe(2);
          expectNoSecretInFiles(dir, [KEY, SECRET, env.TWITTER_BEARER]);
        }
        for (const [k, n] of Object.entries(ex.faultsInjected)) seen[k] = (seen[k] ?? 0) + n;
      }),
      fuzzParams(8),
    );
    if (process.env.FUZZ_SCALE) console.log(`exchange fuzz: ${exits.ok} runs ok, ${exits.refused} refused; faults ${JSON.stringify(seen)}`);
    expect(exits.ok).toBeGreaterThan(0);
  }, fuzzTimeout(300_000));
});
