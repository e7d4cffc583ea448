import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { syntheticOptions } from '../../src/agent/build-engine.js';
import { main } from '../../src/cli.js';
import { generateMarketFiles } from '../../src/data_ingest/recorded/generate-market-files.js';
import { readMarketMeta } from '../../src/data_ingest/recorded/recorded-market.js';
import { checkLookahead, checkWarmup } from '../../src/research/checks.js';
import { firstDifference } from '../../src/research/decision-trace.js';
import { cutRecordedFolder } from '../../src/research/market-cut.js';
import { barMsOf, cycleOfOpenMs } from '../../src/utils/time.js';
import { BASE_YAML, baseConfig, memoryIo, SLEEVE_YAML, tmp } from '../helpers.js';

/** The synthetic market of the base config written as a recorded folder: `days` after `historyDays` of history. */
function market(days: number, historyDays: number): string {
  const cfg = baseConfig();
  const barMs = barMsOf(cfg.schedule.barInterval);
  const dir = join(tmp(), 'market');
  generateMarketFiles({ ...syntheticOptions(cfg, 3, cycleOfOpenMs(Date.parse(cfg.sim.start), barMs), barMs), warmupDays: historyDays }, days, dir);
  return dir;
}

const common = (dataDir: string) => ({ dataDir, configFile: BASE_YAML, sleeveConfigFile: SLEEVE_YAML, cwd: tmp() });

describe('coce check lookahead', () => {
  it('passes on the engine as shipped, and names the step and field of a step that peeks one bar ahead', async () => {
    const data = market(3, 30);
    const clean = await checkLookahead({ ...common(data), cuts: 2 });
    expect(clean.ok).toBe(true);
    expect(clean.cuts.map((c) => c.cycles)).toEqual([24, 48]);
    expect(clean.text).toBe('look-ahead check passed: every decision at 24, 48 bars is the same with and without the later bars');
    // a step that reads the next bar of the folder it runs on, when there is one (as a bug reading ahead would)
    const peek = (dir: string) => {
      const rows = readFileSync(join(dir, 'bars.csv'), 'utf8').trim().split('\n').slice(1);
      const next = new Set(rows.map((r) => r.split(',')[0]));
      return (step: string, ctx: { cycle: number; pumpProbabilities: Record<string, number> }) => {
        if (step === 'alpha') ctx.pumpProbabilities.MC001 = next.has(String(ctx.cycle + 1)) ? 0.9 : 0.1;
      };
    };
    const peeking = await checkLookahead({ ...common(data), cuts: 2, instrument: peek });
    expect(peeking.ok).toBe(false);
    const first = peeking.cuts[0]!.difference!;
    const firstCycle = readMarketMeta(data).firstCycle;
    // found at the cut's last bar: with the later bars the step saw the next one, without them it could not
    expect(first).toMatchObject({ cycle: firstCycle + 23, step: 'alpha', field: 'pumpProbabilities' });
    expect(first.reference).toContain('"MC001":0.9');
    expect(first.other).toContain('"MC001":0.1');
    expect(peeking.text).toMatch(/^look-ahead check FAILED: cycle \d+ \(bar closing 2026-01-02T00:00:00.000Z\), step alpha, field pumpProbabilities: with later bars \{/);
  }, 120_000);

  it('cuts a recorded folder by cycle and by pump start, and compares traces in pipeline order', () => {
    const data = market(2, 30);
    const meta = readMarketMeta(data);
    const dir = join(tmp(), 'cut');
    cutRecordedFolder(data, dir, { lastCycle: meta.firstCycle + 9, firstHistoryCycle: meta.firstCycle - 48 });
    expect(readMarketMeta(dir)).toMatchObject({ historyStartCycle: meta.firstCycle - 48, lastCycle: meta.firstCycle + 9, firstCycle: meta.firstCycle });
    const cycles = readFileSync(join(dir, 'bars.csv'), 'utf8').trim().split('\n').slice(1).map((r) => Number(r.split(',')[0]));
    expect(Math.min(...cycles)).toBe(meta.firstCycle - 48);
    expect(Math.max(...cycles)).toBe(meta.firstCycle + 9);
    const starts = readFileSync(join(dir, 'events.csv'), 'utf8').trim().split('\n').slice(1).map((r) => Date.parse(r.split(',')[3]!));
    expect(starts.every((ms) => ms < (meta.firstCycle + 10) * meta.barMs)).toBe(true);
    expect(() => cutRecordedFolder(data, join(tmp(), 'x'), { lastCycle: meta.firstCycle - 1 })).toThrow(/cannot cut .* the run starts at/);
    const a = new Map([[5, new Map([['alpha.candidates', '["A"]'], ['allocation.targetWeights', '{}']])]]);
    const b = new Map([[5, new Map([['alpha.candidates', '["A"]'], ['allocation.targetWeights', '{"A":0.1}']])]]);
    expect(firstDifference(a, b, [5])).toEqual({ cycle: 5, step: 'allocation', field: 'targetWeights', reference: '{}', other: '{"A":0.1}' });
    expect(firstDifference(a, new Map(), [5])).toMatchObject({ step: 'alpha', other: null });
    expect(firstDifference(a, a, [5])).toBeNull();
  });
});

describe('coce check warmup', () => {
  it('reports the warm-up from which decisions stop changing, and fails past a stated minimum they need more than', async () => {
    const data = market(1, 80);
    const ok = await checkWarmup({ ...common(data), minDays: 60, stepDays: 10 });
    // the engine replays 60 days (the VaR lookback): from 60 days of history on it decides as with 80
    expect(ok.runs.map((r) => [r.warmupDays, r.difference === null])).toEqual([
      [70, true],
      [60, true],
      [50, false],
    ]);
    expect(ok.minimumDays).toBe(60);
    expect(ok.ok).toBe(true);
    const bad = await checkWarmup({ ...common(data), minDays: 40, stepDays: 20 });
    expect(bad.ok).toBe(false);
    expect(bad.minimumDays).toBe(60);
    expect(bad.text).toMatch(/^warm-up check FAILED: with 40 days of warm-up \(>= the stated minimum 40\) cycle \d+ .*; decisions stop changing from 60 days$/s);
  }, 180_000);

  it('from the command line: the synthetic market by default, exit 1 on a failure, 2 on bad input', async () => {
    const cwd = tmp();
    const io = memoryIo(cwd);
    expect(await main(['check', 'lookahead', '--days', '2', '--cuts', '1'], io)).toBe(0);
    expect(io.out()).toMatch(/the synthetic market \(seed 1, 2 days after 30 days of history\)[\s\S]*look-ahead check passed: every decision at 24 bars is the same/);
    const data = market(1, 30);
    const short = memoryIo(cwd);
    expect(await main(['check', 'warmup', '--data', data, '--min-days', '40'], short)).toBe(2);
    expect(short.err()).toContain('--min-days 40 is longer than the 30 days of history in');
    const fails = memoryIo(cwd);
    expect(await main(['check', 'warmup', '--data', data, '--min-days', '20', '--step-days', '10'], fails)).toBe(1);
    expect(fails.err()).toBe('coce: decisions depend on the warm-up past the stated minimum (above)\n');
    expect(await main(['check', 'lookahead', '--data', data, '--days', '9'], memoryIo(cwd))).toBe(2);
  }, 180_000);
});
