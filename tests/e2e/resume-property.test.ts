/**
 * The resume property, fast sample (the long one is `npm run soak`): a seeded run stopped after k cycles and resumed
 * with the same command ends byte-identical to the uninterrupted run, for stop points that include the first and
 * last cycles and the cycles right after re-clusterings, audits and universe changes. A small market (25 micro-caps)
 * with a trained model, so the book trades: fills, round trips and the paper venue's rounding are all in play.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dirArgs, folderFiles, runShape, stopAndResume, stopPoints, type CoceRunner } from '../../sim/resume-property.js';
import { trainFromConfig } from '../../src/agent/pump-training.js';
import { writeModelFile } from '../../src/alpha/model-file.js';
import { main } from '../../src/cli.js';
import type { Config } from '../../src/utils/config.js';
import { baseConfig, BASE_YAML, memoryIo, tmp } from '../helpers.js';

const coce: CoceRunner = (args, cwd) => main([...args], memoryIo(cwd, { LOG_LEVEL: 'silent' }));

let cwd = '';
beforeAll(async () => {
  const base = baseConfig();
  const cfg: Config = { ...base, market: { ...base.market, synthetic: { ...base.market.synthetic, microCaps: 25 } } };
  cwd = tmp();
  writeFileSync(join(cwd, 'small.yaml'), readFileSync(BASE_YAML, 'utf8').replace(/micro_caps: 80 /, 'micro_caps: 25 '));
  mkdirSync(join(cwd, 'data'));
  writeModelFile(join(cwd, 'data', 'model.json'), await trainFromConfig(cfg, 5, 20));
}, 120_000);

async function property(args: string[], stops: number, seed: number) {
  const ref = join(cwd, `ref-${args[2]}`);
  expect(await coce([...args, ...dirArgs(ref)], cwd)).toBe(0);
  const want = folderFiles(ref);
  const shape = runShape(ref);
  const ks = stopPoints(shape, stops, seed);
  const results = [];
  for (const k of ks) results.push(await stopAndResume(coce, args, cwd, join(cwd, `${args[2]}-k${k}`), k, want));
  return { want, shape, ks, results };
}

describe('resume property (fast sample)', () => {
  it('sim, 8 days: every sampled stop resumes byte-identical', async () => {
    const { want, shape, ks, results } = await property(['run', '--mode', 'sim', '--days', '8', '--seed', '4', '--config', 'small.yaml'], 8, 13);
    expect(shape.cycles).toBe(192);
    // the run trades (fills and closed round trips), so the paper venue's own rounding is exercised
    expect(want['logs/trades.jsonl']!.split('\n').filter((l) => l.includes('"type":"fill"')).length).toBeGreaterThan(20);
    expect(ks).toContain(1);
    expect(ks).toContain(191);
    expect(ks).toContain(192);
    for (const t of ['clusters', 'daily_audit', 'universe_changed']) expect(ks.some((k) => shape.turnovers.get(t)!.includes(shape.firstCycle + k - 1))).toBe(true);
    expect(results.filter((r) => r.difference !== null)).toEqual([]);
  }, 300_000);

  it('back-test with the options sleeve, 6 days: every sampled stop resumes byte-identical', async () => {
    const { want, results, ks } = await property(['run', '--mode', 'backtest', '--days', '6', '--seed', '2', '--sleeve', 'all', '--config', 'small.yaml'], 5, 14);
    expect(want['logs/trades.jsonl']).toContain('"type":"option_fill"');
    expect(ks).toHaveLength(5);
    expect(results.filter((r) => r.difference !== null)).toEqual([]);
  }, 300_000);
});
