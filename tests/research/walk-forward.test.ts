import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { dailyReturns, figures, formatWalkForward, walkForward } from '../../src/research/walk-forward.js';
import { memoryIo, tmp } from '../helpers.js';

describe('walk-forward optimisation', () => {
  // point 0 earns early, point 1 late: the windows must switch, and score each choice only on the days after it
  const early = [0.01, 0.02, 0.01, 0.02, -0.01, 0, -0.01, 0];
  const late = [-0.01, 0, -0.01, 0, 0.01, 0.02, 0.01, 0.02];
  const points = [
    { point: 0, values: { x: 'early' }, daily: { s1: early, s2: early } },
    { point: 1, values: { x: 'late' }, daily: { s1: late, s2: late } },
  ];

  it('chooses on each training window, scores on the next test window, rolls by the test days', () => {
    const r = walkForward(points, 4, 2);
    expect(r.windows.map((w) => [w.trainDays, w.testDays, w.chosen.point])).toEqual([
      [[1, 4], [5, 6], 0],
      [[3, 6], [7, 8], 1],
    ]);
    // window 1: point 0 out of sample on days 5-6 = -1 %, then 0 %
    expect(r.windows[0]!.outOfSample.s1!.returnPct.toFixed(4)).toBe('-1.0000');
    expect(r.windows[0]!.outOfSample.s1!.maxDrawdownPct.toFixed(4)).toBe('1.0000');
    // window 1's in-sample Sharpe: mean 1.5 %, sd 0.5774 %, x sqrt(365)
    expect(r.windows[0]!.inSampleSharpe!.toFixed(2)).toBe('49.64');
    // the chained out-of-sample days: -1 %, 0 %, +1 %, +2 %
    expect(r.outOfSample.s1!.days).toBe(4);
    expect(r.outOfSample.s1!.returnPct.toFixed(6)).toBe(((0.99 * 1.01 * 1.02 - 1) * 100).toFixed(6));
    expect(r.median.returnPct).toBeCloseTo(r.outOfSample.s1!.returnPct, 12);
    expect(formatWalkForward(r)).toContain('window 2: chose c1 {"x":"late"} on days 3-6');
    expect(formatWalkForward(r)).toContain("out of sample only (every window's test days chained):");
  });

  it('refuses a span too short for one window, and makes returns from daily NAVs', () => {
    expect(() => walkForward(points, 7, 2)).toThrow('the back-tests cover 8 days: no window of 7 training + 2 test days fits');
    expect(() => walkForward([], 1, 1)).toThrow('walk-forward needs at least one config point that ran');
    expect(dailyReturns(100, [101, 99.99])).toEqual([0.010000000000000009, -0.010000000000000009]);
    expect(figures([])).toEqual({ returnPct: 0, sharpe: null, maxDrawdownPct: 0 });
  });

  it('coce optimize on the synthetic market prints the out-of-sample figures of every window', async () => {
    const cwd = tmp();
    writeFileSync(join(cwd, 'grid.yaml'), 'days: 5\nseeds: [4]\nset:\n  exits.take_profit_pct: [12, 15]\n');
    const io = memoryIo(cwd);
    expect(await main(['optimize', '--grid', 'grid.yaml', '--train-days', '2', '--test-days', '1', '--workers', '2'], io)).toBe(0);
    const out = io.out();
    expect(out.match(/^window \d: chose c\d .* out of sample, days \d-\d: s4 -?\d+\.\d\d %/gm)).toHaveLength(3);
    expect(out).toMatch(/ {2}s4: return -?\d+\.\d\d %, Sharpe (-?\d+\.\d\d|n\/a), max DD \d+\.\d\d % over 3 days/);
    const saved = JSON.parse(readFileSync(join(cwd, 'runs', 'optimize-grid', 'optimize.json'), 'utf8')) as { windows: unknown[]; trainDays: number };
    expect(saved.windows).toHaveLength(3);
    expect(saved.trainDays).toBe(2);
  }, 120_000);
});
