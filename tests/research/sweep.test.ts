import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { combinations, planSweep, readGrid, withValues } from '../../src/research/sweep-grid.js';
import { runSweepLocal } from '../../src/research/sweep-local.js';
import { formatSweep, rankSweep } from '../../src/research/sweep-table.js';
import { spawnCoce } from '../e2e/process.js';
import { BASE_YAML, memoryIo, SLEEVE_YAML, tmp } from '../helpers.js';

describe('sweep grid', () => {
  it('expands config points x seeds x data sets into stable job ids, each point validated first', async () => {
    expect(combinations({ a: [1, 2], b: ['x', 'y'] })).toEqual([{ a: 1, b: 'x' }, { a: 1, b: 'y' }, { a: 2, b: 'x' }, { a: 2, b: 'y' }]);
    expect(() => withValues(readFileSync(BASE_YAML, 'utf8'), { 'portfolio.nope': 1 })).toThrow('grid key portfolio.nope: no such key in the config');
    expect(() => withValues(readFileSync(BASE_YAML, 'utf8'), { 'sim.start.x': 1 })).toThrow('grid key sim.start.x: start is not a section of the config');
    const dir = tmp();
    const data = join(dir, 'rec');
    expect(await main(['data', 'generate', '--out', data, '--days', '2', '--seed', '9'], memoryIo(dir))).toBe(0);
    const grid = join(dir, 'grid.yaml');
    writeFileSync(grid, 'days: 2\nseeds: [4, 5]\ndata: [rec]\nset:\n  portfolio.max_turnover_pct: [20, 30]\n');
    const jobs = planSweep({ gridFile: grid, configFile: BASE_YAML, sleeveConfigFile: SLEEVE_YAML, out: join(dir, 'out'), cwd: dir });
    expect(jobs.map((j) => [j.id, j.seed, j.dataDir, j.values])).toEqual([
      ['c0-s4', 4, null, { 'portfolio.max_turnover_pct': 20 }],
      ['c0-s5', 5, null, { 'portfolio.max_turnover_pct': 20 }],
      ['c0-d0', null, data, { 'portfolio.max_turnover_pct': 20 }],
      ['c1-s4', 4, null, { 'portfolio.max_turnover_pct': 30 }],
      ['c1-s5', 5, null, { 'portfolio.max_turnover_pct': 30 }],
      ['c1-d0', null, data, { 'portfolio.max_turnover_pct': 30 }],
    ]);
    // the job carries its config as text (a worker on another machine has no copy of the file)
    expect(jobs[3]!.configYaml).toMatch(/max_turnover_pct: 30/);
    expect(readFileSync(join(dir, 'out', 'config-1.yaml'), 'utf8')).toBe(jobs[3]!.configYaml);
    const bad = (text: string) => {
      writeFileSync(grid, text);
      return () => readGrid(grid);
    };
    expect(bad('days: 0\nseeds: [4]\n')).toThrow('days must be a positive integer');
    expect(bad('seeds: [4]\n')).toThrow('days is required with seeds');
    expect(bad('days: 2\n')).toThrow('seeds must be a non-empty list of integers (or give data sets)');
    expect(bad('days: 2\nseeds: [4]\nsett: {}\n')).toThrow('unknown key sett');
    expect(bad('days: 2\ndata: [nowhere]\n')).toThrow(/data set .*nowhere is not a recorded folder/);
    expect(readGrid((writeFileSync(grid, 'data: [rec]\n'), grid))).toEqual({ days: null, seeds: [], data: [data], set: {} });
    // a used folder is refused (two sweeps' results would mix); a point past a hard limit before anything runs
    writeFileSync(grid, 'days: 2\nseeds: [4]\nset:\n  risk.adv_cap_pct: [1, 5]\n');
    expect(() => planSweep({ gridFile: grid, configFile: BASE_YAML, sleeveConfigFile: SLEEVE_YAML, out: join(dir, 'out') })).toThrow(/is not empty: give the sweep a new --out folder/);
    expect(() => planSweep({ gridFile: grid, configFile: BASE_YAML, sleeveConfigFile: SLEEVE_YAML, out: join(dir, 'out2') })).toThrow(/risk\.adv_cap_pct/);
  }, 60_000);

  it('runs the jobs on worker threads; a job is the same back-test as coce backtest; failures are results', async () => {
    const dir = tmp();
    const grid = join(dir, 'grid.yaml');
    writeFileSync(grid, 'days: 2\nseeds: [4]\nset:\n  portfolio.max_turnover_pct: [20, 30]\n  alpha.model_path: [null, nowhere.json]\n');
    const jobs = planSweep({ gridFile: grid, configFile: BASE_YAML, sleeveConfigFile: SLEEVE_YAML, out: join(dir, 'out'), cwd: dir });
    const results = await runSweepLocal(jobs, join(dir, 'out'), 2);
    expect(results.map((r) => r.id)).toEqual(['c0-s4', 'c1-s4', 'c2-s4', 'c3-s4']);
    expect(results.map((r) => r.error === null)).toEqual([true, false, true, false]);
    expect(results[1]!.error).toMatch(/alpha.model_path names .*nowhere.json, which does not exist/);
    const io = memoryIo(dir, { LOG_LEVEL: 'warn' });
    expect(await main(['backtest', '--days', '2', '--seed', '4', '--config', join(dir, 'out', 'config-2.yaml')], io)).toBe(0);
    expect(io.out()).toMatch(new RegExp(`\\nmax drawdown +${results[2]!.summary!.maxDrawdownPct.toFixed(2)} %\\n`));
    // ranked by Sharpe, ties by id, failures last
    expect(rankSweep(results).map((r) => r.id).slice(2)).toEqual(['c1-s4', 'c3-s4']);
    expect(formatSweep(results).split('\n')[3]).toMatch(/^c3-s4 +failed: alpha.model_path names/);
  }, 120_000);

  it('Ctrl-C stops a local sweep mid back-test: threads stopped, exit 1 saying how far it got, no sweep.json', async () => {
    const cwd = tmp('coce-sweep-');
    writeFileSync(join(cwd, 'grid.yaml'), 'days: 90\nseeds: [1, 2, 3, 4]\n');
    const run = spawnCoce(['sweep', '--grid', 'grid.yaml', '--out', 'out', '--workers', '2'], { cwd });
    for (let i = 0; i < 400 && !run.stdoutSoFar().includes('4 back-tests on 2 worker threads'); i++) await new Promise((r) => setTimeout(r, 25));
    await new Promise((r) => setTimeout(r, 1_000)); // the first two back-tests under way
    const t0 = Date.now();
    run.kill('SIGINT');
    const r = await run.done;
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/sweep stopped by a signal after [0-3] of 4 back-tests \(their folders are under .*out; no sweep\.json\)/);
    expect(Date.now() - t0).toBeLessThan(10_000); // not after the four 90-day back-tests
    expect(existsSync(join(cwd, 'out', 'sweep.json'))).toBe(false);
  }, 60_000);
});
