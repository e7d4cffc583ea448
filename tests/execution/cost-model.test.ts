import { describe, expect, it } from 'vitest';
import { estimateFill } from '../../src/execution/cost-model.js';

const m = { impactCoefficient: 0.1, makerFeeBps: 2, takerFeeBps: 10, maxBarVolumeFraction: 0.1 };

describe('estimateFill', () => {
  it('charges half spread + square-root impact and the taker fee, to the cent', () => {
    // buy 10 000 at 1.00: notional 10 000 USD = 1 % of a 1 M ADV -> impact 0.1 x 10 000 x sqrt(0.01) = 100 bps;
    // half spread 20 bps -> 120 bps -> average price 1.012, slippage 120.00 USD, taker fee 10 bps of 10 120 = 10.12 USD
    const f = estimateFill({ side: 'buy', qty: 10_000, refPriceUsd: 1, spreadBps: 40, advUsd: 1_000_000, barVolumeUsd: 500_000, liquidity: 'taker' }, m);
    expect(f.filledQty).toBe(10_000);
    expect(f.partial).toBe(false);
    expect(f.slippageBps).toBeCloseTo(120, 10);
    expect(f.avgPriceUsd).toBeCloseTo(1.012, 12);
    expect(f.slippageUsd.toFixed(2)).toBe('120.00');
    expect(f.feeUsd.toFixed(2)).toBe('10.12');
    expect(f.notionalUsd.toFixed(2)).toBe('10120.00');
  });

  it('sells below the reference, pays the maker fee when passive, and fills partially above the bar volume share', () => {
    // sell 100 000 at 0.50 (50 000 USD) into a bar of 200 000 USD: 10 % = 20 000 USD fills -> 40 000 units
    // impact on 20 000 of a 2 M ADV: 0.1 x 10 000 x sqrt(0.01) = 100 bps; half spread 5 -> 105 bps
    const f = estimateFill({ side: 'sell', qty: 100_000, refPriceUsd: 0.5, spreadBps: 10, advUsd: 2_000_000, barVolumeUsd: 200_000, liquidity: 'maker' }, m);
    expect(f.filledQty).toBeCloseTo(40_000, 9);
    expect(f.partial).toBe(true);
    expect(f.avgPriceUsd).toBeCloseTo(0.5 * (1 - 0.0105), 12);
    expect(f.slippageUsd.toFixed(2)).toBe('210.00');
    expect(f.feeUsd.toFixed(2)).toBe(((40_000 * 0.5 * (1 - 0.0105) * 2) / 10_000).toFixed(2));
  });

  it('refuses non-positive quantities or prices', () => {
    expect(() => estimateFill({ side: 'buy', qty: 0, refPriceUsd: 1, spreadBps: 1, advUsd: 1, barVolumeUsd: 1, liquidity: 'taker' }, m)).toThrow('fill needs positive qty and price (got 0 at 1)');
  });
});
