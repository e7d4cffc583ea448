import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type * as sweepSource from '../../sim/sweep.js';
import { combinations, withValues } from '../../sim/sweep.js';
import { main } from '../../src/cli.js';
import { BASE_YAML, memoryIo, REPO, SLEEVE_YAML, tmp } from '../helpers.js';

// the worker threads run compiled code: the sweep is driven from dist/ (npm test builds it first)
const sweep = (await import(join(REPO, 'dist', 'sim', 'sweep.js'))) as typeof sweepSource;

describe('parameter sweep', () => {
  it('expands the grid, validates every combination, and runs the back-tests on worker threads', async () => {
    expect(combinations({ a: [1, 2], b: ['x', 'y'] })).toEqual([{ a: 1, b: 'x' }, { a: 1, b: 'y' }, { a: 2, b: 'x' }, { a: 2, b: 'y' }]);
    expect(() => withValues(readFileSync(BASE_YAML, 'utf8'), { 'portfolio.nope': 1 })).toThrow('grid key portfolio.nope: no such key in the config');
    expect(() => withValues(readFileSync(BASE_YAML, 'utf8'), { 'sim.start.x': 1 })).toThrow('grid key sim.start.x: start is not a section of the config');
    const dir = tmp();
    const grid = join(dir, 'grid.yaml');
    writeFileSync(grid, 'days: 2\nseeds: [4]\nset:\n  portfolio.max_turnover_pct: [20, 30]\n');
    // the jobs' working folder is the test's own: a data/model.json in the checkout must not change what they find
    const cwd = tmp();
    const jobs = sweep.planSweep({ gridFile: grid, configFile: BASE_YAML, sleeveConfigFile: SLEEVE_YAML, out: join(dir, 'out'), cwd });
    expect(jobs[0]!.cwd).toBe(cwd);
    expect(jobs.map((j) => [j.id, j.values])).toEqual([
      ['c0-s4', { 'portfolio.max_turnover_pct': 20 }],
      ['c1-s4', { 'portfolio.max_turnover_pct': 30 }],
    ]);
    const results = await sweep.runSweep(jobs, 2);
    expect(results.map((r) => r.error)).toEqual([null, null]);
    // a sweep job is the same back-test as `coce backtest` with that config
    const io = memoryIo(cwd, { LOG_LEVEL: 'warn' });
    expect(await main(['backtest', '--days', '2', '--seed', '4', '--config', jobs[1]!.configFile], io)).toBe(0);
    expect(io.out()).toMatch(new RegExp(`\\nmax drawdown +${results[1]!.summary!.maxDrawdownPct.toFixed(2)} %\\n`));
    expect(sweep.formatSweep(results).split('\n')).toHaveLength(2);
    // a used folder is refused (it would resume old back-tests under new labels)
    expect(() => sweep.planSweep({ gridFile: grid, configFile: BASE_YAML, sleeveConfigFile: SLEEVE_YAML, out: join(dir, 'out') })).toThrow(/is not empty: give the sweep a new --out folder/);
    // a combination past a hard limit is refused before anything runs
    writeFileSync(grid, 'days: 2\nseeds: [4]\nset:\n  risk.adv_cap_pct: [1, 5]\n');
    expect(() => sweep.planSweep({ gridFile: grid, configFile: BASE_YAML, sleeveConfigFile: SLEEVE_YAML, out: join(dir, 'out2') })).toThrow(/risk\.adv_cap_pct/);
    writeFileSync(grid, 'days: 0\nseeds: [4]\n');
    expect(() => sweep.planSweep({ gridFile: grid, configFile: BASE_YAML, sleeveConfigFile: SLEEVE_YAML, out: join(dir, 'out3') })).toThrow('days must be a positive integer');
  }, 120_000);
});
