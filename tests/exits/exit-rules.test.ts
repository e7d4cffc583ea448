import { describe, expect, it } from 'vitest';
import { firstExit, isSpikeBar, nextHighWater, spikeSell, stopLoss, takeProfit, timeLimit, trailingStop, type ExitBar, type ExitRule, type HeldPosition } from '../../src/exits/index.js';

/**
 * Runs a position bought at `entry` on cycle 100 over a hand-made path of closes (one a bar from cycle 101), as the
 * exit step will: each bar the rules are asked, then the high-water mark moves. Returns the bar and signal of the exit.
 */
function walk(rules: ExitRule[], entry: number, closes: number[], o: { volumes?: number[]; inPump?: (number | null)[] } = {}) {
  const p: HeldPosition = { symbol: 'PUMP', avgEntryPriceUsd: entry, openedCycle: 100, highWaterUsd: entry };
  let prev: number | null = entry;
  for (let i = 0; i < closes.length; i++) {
    const bar: ExitBar = { cycle: 101 + i, closeUsd: closes[i]!, prevCloseUsd: prev, volumeUsd: o.volumes?.[i] ?? 1_000, advUsd: 24_000, barsPerDay: 24, inPumpProbability: o.inPump?.[i] ?? null };
    const s = firstExit(rules, p, bar);
    if (s !== null) return { bar: i, cycle: bar.cycle, close: bar.closeUsd, ...s };
    p.highWaterUsd = nextHighWater(p, bar);
    prev = bar.closeUsd;
  }
  return null;
}

describe('exit rules on hand-made price paths', () => {
  it('stop-loss: closes at the first close 8 % or more under the entry, not a cent before', () => {
    const r = walk([stopLoss(8)], 2.0, [1.95, 1.8401, 1.84, 1.7]);
    expect(r).toMatchObject({ bar: 2, close: 1.84, reason: 'stop_loss' });
    expect(r!.values.gainPct).toBeCloseTo(-8, 12);
    expect(walk([stopLoss(8)], 2.0, [1.9, 1.8401, 2.5])).toBeNull();
  });

  it('take-profit: closes at the first close 25 % or more over the entry', () => {
    const r = walk([takeProfit(25)], 0.04, [0.041, 0.0499, 0.05, 0.06]);
    expect(r).toMatchObject({ bar: 2, close: 0.05, reason: 'take_profit' });
    expect(r!.values.gainPct).toBeCloseTo(25, 10);
  });

  it('trailing stop: armed once the high is 10 % up, closes 5 % under the high since entry', () => {
    // high 1.12 (armed at +12 %), then 1.0641 is 4.99 % under it (holds), 1.064 exactly 5 % (closes)
    const r = walk([trailingStop(10, 5)], 1.0, [1.05, 1.12, 1.0641, 1.064, 0.9]);
    expect(r).toMatchObject({ bar: 3, close: 1.064, reason: 'trailing_stop' });
    expect(r!.values.peakGainPct).toBeCloseTo(12, 12);
    expect(r!.values.fromHighPct).toBeCloseTo(-5, 12);
    // never armed: a drop from a +8 % high is left alone
    expect(walk([trailingStop(10, 5)], 1.0, [1.08, 1.0, 0.95])).toBeNull();
  });

  it('time limit: closes after the horizon plus grace, whatever the price', () => {
    const r = walk([timeLimit(8)], 3.0, [3, 3, 3, 3, 3, 3, 3, 3.1, 3.2]);
    expect(r).toMatchObject({ bar: 7, cycle: 108, close: 3.1, reason: 'time_limit' });
    expect(r!.values.heldBars).toBe(8);
  });

  it('time limit with patience: past the limit it waits for a close 1 % up, at most 3 bars more', () => {
    const rule = timeLimit({ maxBars: 4, minGainPct: 1, patienceBars: 3 });
    // held 4 bars at 2.00 (not 1 % up): waits; 2.02 is exactly +1 %: closes there
    const waited = walk([rule], 2.0, [2, 2, 2, 2, 2.0199, 2.02, 2.5]);
    expect(waited).toMatchObject({ bar: 5, cycle: 106, close: 2.02, reason: 'time_limit' });
    expect(waited!.values.gainPct).toBeCloseTo(1, 10);
    // up at the limit itself: closes at once
    expect(walk([rule], 2.0, [2, 2, 2, 2.1])).toMatchObject({ bar: 3, close: 2.1 });
    // never 1 % up: closed 3 bars after the limit at whatever the price
    const late = walk([rule], 2.0, [2, 2, 2, 1.9, 1.8, 1.7, 1.6, 1.5]);
    expect(late).toMatchObject({ bar: 6, cycle: 107, close: 1.6, reason: 'time_limit' });
    expect(late!.detail).toBe('held 7 bars (limit 4 + 3 waiting for +1 %)');
  });

  it('a spike bar on its own (the entry block): price and volume surge within the bar, or the in-pump signal', () => {
    const s = { inPumpProbability: 0.5, surgeReturnPct: 5, surgeVolumeMultiple: 3 };
    const bar = { openUsd: 2, closeUsd: 2.1, volumeUsd: 3_000, advUsd: 24_000, barsPerDay: 24, inPumpProbability: null };
    expect(isSpikeBar(s, bar)).toBe(true); // +5.00 % on 3x an average bar, both exactly at their levels
    expect(isSpikeBar(s, { ...bar, closeUsd: 2.0999 })).toBe(false);
    expect(isSpikeBar(s, { ...bar, volumeUsd: 2_999 })).toBe(false);
    expect(isSpikeBar(s, { ...bar, closeUsd: 1.5, inPumpProbability: 0.5 })).toBe(true);
    expect(isSpikeBar({ ...s, inPumpProbability: null }, { ...bar, closeUsd: 1.5, inPumpProbability: 0.9 })).toBe(false);
    expect(isSpikeBar(s, { ...bar, advUsd: 0 })).toBe(false);
  });

  it('spike: sells into a surge of price and volume, or when the in-pump signal fires, only in profit', () => {
    const s = spikeSell({ inPumpProbability: 0.5, surgeReturnPct: 15, surgeVolumeMultiple: 5 });
    // +20 % in one bar on 6x an average bar (ADV 24 000 over 24 bars: 1 000 a bar)
    const surge = walk([s], 1.0, [1.02, 1.224, 1.3], { volumes: [1_000, 6_000, 9_000] });
    expect(surge).toMatchObject({ bar: 1, close: 1.224, reason: 'spike' });
    expect(surge!.values.barReturnPct).toBeCloseTo(20, 10);
    expect(surge!.values.volumeMultiple).toBe(6);
    // the surge without the volume is not a spike
    expect(walk([s], 1.0, [1.02, 1.224], { volumes: [1_000, 4_999] })).toBeNull();
    // the in-pump detector fires at 0.5 while in profit
    expect(walk([s], 1.0, [1.01, 1.03], { inPump: [0.49, 0.5] })).toMatchObject({ bar: 1, reason: 'spike' });
    // never into a loss
    expect(walk([s], 1.0, [0.7, 0.84], { volumes: [1_000, 9_000], inPump: [0.9, 0.9] })).toBeNull();
  });

  it('asks the rules in a fixed order: the stop before the clock, the target before the trail', () => {
    const rules = [timeLimit(2), takeProfit(20), stopLoss(10), trailingStop(5, 3)];
    expect(walk(rules, 1.0, [1.0, 0.85])).toMatchObject({ reason: 'stop_loss', bar: 1 }); // also past the time limit
    expect(walk(rules, 1.0, [1.3])).toMatchObject({ reason: 'take_profit' });
    expect(walk(rules, 1.0, [1.1, 1.06])).toMatchObject({ reason: 'trailing_stop', bar: 1 });
    expect(walk(rules, 1.0, [1.01, 1.02])).toMatchObject({ reason: 'time_limit', bar: 1 });
  });
});
