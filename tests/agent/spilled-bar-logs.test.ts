import { describe, expect, it } from 'vitest';
import { spilledBarLogs } from '../../src/agent/spilled-bar-logs.js';
import { MemoryBarLog, type BarLog } from '../../src/alpha/feature-engine.js';
import type { TradeStats } from '../../src/domain/market.js';
import { createRng } from '../../src/utils/rng.js';

type Logged = [number, number, number, number, number, TradeStats | undefined];
const drained = (log: BarLog): Logged[] => {
  const out: Logged[] = [];
  log.drain((...bar) => out.push(bar));
  return out;
};

describe('bar logs of lazy assets', () => {
  it('give back every bar as pushed, bit for bit, from memory and from the temporary file (chunks and tail)', () => {
    const rng = createRng(91);
    const bars: Logged[] = Array.from({ length: 1300 }, (_, i) => [
      1_000 + i,
      rng.normal(),
      i % 97 === 0 ? -0 : rng.normal() * 1e-3,
      Math.log1p(rng.int(40)),
      rng.next() * 2 - 1,
      rng.next() < 0.3 ? { trades: rng.int(500), buyShare: rng.next(), rushOrders: rng.int(9) } : undefined,
    ]);
    const make = spilledBarLogs();
    const spilled = [make(), make()]; // two logs sharing the file, written interleaved
    const memory = new MemoryBarLog();
    for (const b of bars) {
      for (const log of [...spilled, memory]) log.push(...b);
    }
    expect(spilled[0]!.length).toBe(1300);
    for (const log of [...spilled, memory]) {
      const back = drained(log);
      expect(back).toStrictEqual(bars);
      expect(Object.is(back[0]![2], -0)).toBe(true);
      expect(log.length).toBe(0);
    }
    // a log drained once is done with: a new one starts empty
    const again = make();
    again.push(...bars[0]!);
    expect(drained(again)).toStrictEqual([bars[0]]);
  });
});
