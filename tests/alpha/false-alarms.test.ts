import { describe, expect, it } from 'vitest';
import { falseAlarms } from '../../src/alpha/false-alarms.js';
import { confusion } from '../../src/alpha/metrics.js';
import { chooseThreshold, type FalseAlarmBudget } from '../../src/alpha/train.js';
import { createRng } from '../../src/utils/rng.js';

const rows = (symbol: string, actionable: (0 | 1)[], from = 0) => actionable.map((a, i) => ({ symbol, cycle: from + i, actionable: a }));

describe('false alarms: the entries a desk holding each alarm for the horizon would make that no pump follows', () => {
  it('one per entry outside actionable windows; alarms while the entry is held add nothing', () => {
    const r = rows('A', [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0]);
    const on = (...idx: number[]) => r.map((_, i) => idx.includes(i));
    expect(falseAlarms(r, on(1), 3)).toBe(1);
    expect(falseAlarms(r, on(1, 2, 3), 3)).toBe(1); // three bars, one horizon
    expect(falseAlarms(r, on(1, 2, 3, 4), 3)).toBe(2); // held to bar 3, a new entry at bar 4
    expect(falseAlarms(r, on(1, 3), 3)).toBe(1); // a flicker inside the horizon
    expect(falseAlarms(r, on(1, 4), 3)).toBe(2);
    expect(falseAlarms(r, on(10, 11), 3)).toBe(0); // an entry inside the actionable window
    expect(falseAlarms(r, on(9, 10, 11, 12), 3)).toBe(2); // entered a bar early (false), again after the peak (false)
    expect(falseAlarms(r, on(10, 11, 12), 3)).toBe(0); // entered in time, still held after the peak
    // always on over 14 bars at a horizon of 3: entries at bars 0, 3, 6, 9 and 12, all outside the window (10..11)
    expect(falseAlarms(r, r.map(() => true), 3)).toBe(5);
  });

  it('the same span means the same count at 1h and 5m: a one-hour false alarm is one at both', () => {
    expect(falseAlarms(rows('A', [0, 0, 0]), [false, true, false], 6)).toBe(1);
    expect(falseAlarms(rows('A', new Array<0>(30).fill(0)), [...new Array<boolean>(12).fill(true), ...new Array<boolean>(18).fill(false)], 72)).toBe(1);
  });

  it('each asset has its own entries', () => {
    const r = [...rows('A', [0, 0]), ...rows('B', [0, 0]), ...rows('A', [0], 5)];
    expect(falseAlarms(r, [true, true, true, true, true], 6)).toBe(2);
    expect(falseAlarms(r, [true, true, true, true, true], 4)).toBe(3);
  });
});

describe('the alarm threshold under a false-alarm budget', () => {
  // ten bars of one asset: a pump's actionable bars 6..7; scores rise towards it, with a decoy at bar 2
  const r = rows('A', [0, 0, 0, 0, 0, 0, 1, 1, 0, 0]);
  const y: (0 | 1)[] = [0, 0, 0, 0, 0, 0, 1, 1, 0, 0];
  const p = [0.1, 0.2, 0.8, 0.3, 0.4, 0.5, 0.6, 0.9, 0.05, 0.05];
  it('without a budget: the best F1 (no threshold reaches the precision target with three hits)', () => {
    const c = chooseThreshold(y, p, 0.9);
    expect([c.threshold, c.f1, c.precisionTargetMet, c.falseAlarmBudgetMet]).toEqual([0.6, 0.8, false, true]);
  });
  it('a budget of one false alarm per asset-day over one asset-day keeps at most one', () => {
    const c = chooseThreshold(y, p, 0.9, { rows: r, assetDays: 1, horizonBars: 6, maxPerAssetDay: 1 });
    expect([c.threshold, c.falseAlarmsPerAssetDay, c.falseAlarmBudgetMet]).toEqual([0.6, 1, true]);
    const tight = chooseThreshold(y, p, 0.9, { rows: r, assetDays: 4, horizonBars: 6, maxPerAssetDay: 0.1 });
    // 0.4 false alarms allowed: only the thresholds above the decoy (0.9) qualify
    expect([tight.threshold, tight.recall, tight.falseAlarmsPerAssetDay]).toEqual([0.9, 0.5, 0]);
  });
  it('when even the top score breaks the budget, the top score and a flag', () => {
    const c = chooseThreshold([0, 0], [0.7, 0.2], 0.5, { rows: rows('A', [0, 0]), assetDays: 1, horizonBars: 6, maxPerAssetDay: 0.5 });
    expect([c.threshold, c.falseAlarmBudgetMet, c.precisionTargetMet, c.falseAlarmsPerAssetDay]).toEqual([0.7, false, false, 1]);
  });

  it('chooses exactly what counting every candidate from scratch chooses (the incremental tally, on 12 random sets)', () => {
    // the previous implementation, kept as the reference: every candidate recounted over all rows
    const reference = (y: (0 | 1)[], p: number[], target: number, budget?: FalseAlarmBudget) => {
      const sorted = [...new Set(p)].sort((a, b) => b - a);
      const maxFalse = budget?.maxPerAssetDay == null ? Infinity : budget.maxPerAssetDay * budget.assetDays;
      const fa = (t: number) => (budget === undefined ? 0 : falseAlarms(budget.rows, p.map((v) => v >= t), budget.horizonBars));
      let best: { threshold: number; f1: number; falseAlarms: number } | null = null;
      let bestF1: { threshold: number; f1: number; falseAlarms: number } | null = null;
      for (let i = 0; i < sorted.length; i += Math.max(1, Math.floor(i / 100))) {
        const t = sorted[i]!;
        const f = fa(t);
        if (f > maxFalse) continue;
        const c = confusion([...y], p.map((v) => v >= t));
        const pick = { threshold: t, f1: c.f1, falseAlarms: f };
        if (bestF1 === null || c.f1 > bestF1.f1) bestF1 = pick;
        if (c.precision >= target && c.tp >= 3) best = pick;
      }
      return best ?? bestF1;
    };
    const rng = createRng(23);
    for (let set = 0; set < 12; set++) {
      const symbols = ['A', 'B', 'C', 'D', 'E'].slice(0, 1 + (set % 5));
      const r: { symbol: string; cycle: number; actionable: 0 | 1 }[] = [];
      const y: (0 | 1)[] = [];
      const p: number[] = [];
      for (const symbol of symbols) {
        for (let c = 0; c < 300; c++) {
          const pump = (c + 7 * set) % 90 < 6;
          r.push({ symbol, cycle: c, actionable: pump ? 1 : 0 });
          y.push(pump && (c + 7 * set) % 90 < 2 ? 1 : 0);
          // ties on purpose (scores rounded to 2 decimals), higher near pumps
          p.push(Math.round(100 * Math.min(1, rng.next() * (pump ? 1.5 : 0.8))) / 100);
        }
      }
      for (const budget of [undefined, { rows: r, assetDays: symbols.length * 12.5, horizonBars: 6, maxPerAssetDay: 0.4 + 0.3 * (set % 3) }]) {
        const want = reference(y, p, 0.3 + 0.05 * (set % 4), budget)!;
        const got = chooseThreshold(y, p, 0.3 + 0.05 * (set % 4), budget);
        expect(got.threshold).toBe(want.threshold);
        expect(got.f1).toBe(want.f1);
        expect(got.falseAlarmsPerAssetDay).toBe(budget === undefined ? 0 : want.falseAlarms / budget.assetDays);
      }
    }
  });
});

