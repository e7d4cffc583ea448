import { describe, expect, it } from 'vitest';
import { markToMarket } from '../../src/portfolio/mark-to-market.js';

const pos = (qty: number, last: number) => ({ qty, avgEntryPriceUsd: 1, lastPriceUsd: last, openedCycle: 0, realizedPnlUsd: 0 });

describe('markToMarket', () => {
  it('values long and short positions at the closes and adds cash', () => {
    // 10 x 2.5 + (-4) x 3 = 25 - 12 = 13; NAV = 1000 + 13; gross = 25 + 12
    const m = markToMarket({ AAA: pos(10, 2), BBB: pos(-4, 1) }, 1000, { AAA: 2.5, BBB: 3, CCC: 9 });
    expect(m.navUsd).toBe(1013);
    expect(m.grossExposureUsd).toBe(37);
    expect(m.positions.AAA!.lastPriceUsd).toBe(2.5);
    expect(m.positions.BBB!.lastPriceUsd).toBe(3);
    expect(m.stale).toEqual([]);
  });

  it('keeps the last price of a symbol without a usable price and reports it, without mutating input', () => {
    const input = { AAA: pos(10, 2), BBB: pos(1, 5), CCC: pos(1, 7) };
    const m = markToMarket(input, 0, { AAA: Number.NaN, BBB: 0 });
    expect(m.stale).toEqual(['AAA', 'BBB', 'CCC']);
    expect(m.navUsd).toBe(20 + 5 + 7);
    expect(input.AAA.lastPriceUsd).toBe(2);
    expect(markToMarket({}, 500, {})).toEqual({ positions: {}, navUsd: 500, grossExposureUsd: 0, stale: [] });
  });
});
