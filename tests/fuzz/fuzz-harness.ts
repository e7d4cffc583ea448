/**
 * What every fuzz target shares: the seed and size of a run, the CLI driven in-process, and the properties that
 * hold for any input an operator or an exchange controls:
 *   - the exit code is 0 or 2 (1 is a bug: unexpected failure), and never with a stack trace;
 *   - a refusal (2) names the culprit;
 *   - no file that existed before changes, unless the run legitimately completed cycles (then only its own state and
 *     logs may);
 *   - no secret reaches stdout, stderr or any file written.
 *
 * `npm test` runs each target with a fixed seed and a small number of cases (CI); `npm run fuzz` scales them up with
 * a random seed it prints. A failure prints fast-check's seed and path; replay it with
 *   FUZZ_SEED=<seed> FUZZ_PATH=<path> npm run fuzz -- tests/fuzz/<target>.fuzz.test.ts
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { main } from '../../src/cli.js';
import { memoryIo, treeSnapshot } from '../helpers.js';

export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20_261_202);
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);

/** fast-check parameters: the fixed (or given) seed, `runs` cases scaled by FUZZ_SCALE, a replay path if given. */
export function fuzzParams(runs: number): { seed: number; numRuns: number; path?: string; endOnFailure: boolean } {
  return { seed: FUZZ_SEED, numRuns: Math.max(1, Math.round(runs * SCALE)), ...(process.env.FUZZ_PATH ? { path: process.env.FUZZ_PATH } : {}), endOnFailure: true };
}

/** A fuzz test's timeout: what its CI size needs, times FUZZ_SCALE. */
export const fuzzTimeout = (ms: number): number => Math.round(ms * Math.max(1, SCALE));

/**
 * Fake secrets in every fuzzed run's environment. Exchange and Deribit keys are left out on purpose: with them a
 * fuzzed `--mode testnet` could reach a real exchange; the exchange target sets its own, against the loopback.
 */
export const SECRETS = {
  TWITTER_BEARER: 'fuzz-bearer-Q7rT2xLm',
  COINGECKO_API_KEY: 'fuzz-cg-key-Z9pK4wVb',
  SLACK_WEBHOOK_URL: 'http://127.0.0.1:9/hooks/fuzz-slack-N3cJ8hYd',
} as const;

export interface Outcome {
  code: number;
  out: string;
  err: string;
}

/** `coce <args>` in-process, in `cwd`, with the fuzz secrets (and LOG_LEVEL warn) in its environment. */
export async function coce(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Outcome> {
  const io = memoryIo(cwd, { LOG_LEVEL: 'warn', ...SECRETS, ...env });
  const code = await main([...args], io);
  return { code, out: io.out(), err: io.err() };
}

/** The properties of one outcome: exit 0 or 2, no stack, a refusal that names the culprit, no secret in the output. */
export function expectClean(o: Outcome, culprit: RegExp | string | readonly string[], secrets: readonly string[] = Object.values(SECRETS)): void {
  const ctx = `exit ${o.code}\nstderr: ${o.err.slice(0, 2000)}`;
  expect([0, 2], ctx).toContain(o.code);
  expect(o.err, ctx).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
  if (o.code === 2) {
    const names = typeof culprit === 'string' ? [culprit] : culprit instanceof RegExp ? null : culprit;
    if (names === null) expect(o.err, ctx).toMatch(culprit as RegExp);
    else expect(names.some((n) => o.err.includes(n)), `${ctx}\nwant one of: ${names.join(' | ')}`).toBe(true);
  }
  for (const s of secrets) {
    expect(o.out.includes(s), `secret in stdout: ${s}`).toBe(false);
    expect(o.err.includes(s), `secret in stderr: ${s}`).toBe(false);
  }
}

/** No file of `before` changed or vanished, except those `mayChange` accepts (relative paths). */
export function expectUnchanged(before: Record<string, string>, dir: string, mayChange: (rel: string) => boolean = () => false): void {
  const now = treeSnapshot(dir);
  for (const [rel, bytes] of Object.entries(before)) {
    if (mayChange(rel)) continue;
    expect(now[rel] === bytes, `${rel} changed or vanished`).toBe(true);
  }
}

/** No secret in any file under `dir` (logs, state, reports written by the run). */
export function expectNoSecretInFiles(dir: string, secrets: readonly string[] = Object.values(SECRETS)): void {
  const walk = (sub: string) => {
    for (const e of readdirSync(join(dir, sub), { withFileTypes: true })) {
      const rel = join(sub, e.name);
      if (e.isDirectory()) walk(rel);
      else {
        const text = readFileSync(join(dir, rel), 'latin1');
        for (const s of secrets) expect(text.includes(s), `secret ${s} in ${rel}`).toBe(false);
      }
    }
  };
  walk('');
}
