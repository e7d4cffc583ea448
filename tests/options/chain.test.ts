import { describe, expect, it } from 'vitest';
import { inverseDelta, inversePrice, bsGreeks, bsPrice } from '../../src/options/black-scholes.js';
import { DEFAULT_CHAIN, quoteDelta, smileVol, strikeStep, syntheticChain } from '../../src/options/chain.js';
import { expiryCode, fridayExpiries, instrumentName, parseInstrument } from '../../src/options/instrument.js';
import { budgetAt, contractsWithinBudget, optionFeeCoin, selectOption, type SleeveSettings } from '../../src/options/sleeve.js';

const NOW = Date.UTC(2026, 0, 1, 1); // Thursday 1 Jan 2026, 01:00 UTC

describe('Deribit instruments', () => {
  it('formats and parses names, expiries at 08:00 UTC on Fridays', () => {
    expect(instrumentName('BTC', Date.UTC(2024, 11, 27, 8), 100_000, 'call')).toBe('BTC-27DEC24-100000-C');
    expect(expiryCode(Date.UTC(2024, 0, 5, 8))).toBe('5JAN24');
    expect(parseInstrument('ETH-5JAN24-2500-P')).toEqual({ name: 'ETH-5JAN24-2500-P', underlying: 'ETH', expiryMs: Date.UTC(2024, 0, 5, 8), strike: 2500, type: 'put' });
    expect(parseInstrument('XRP-5JAN24-0d55-C').strike).toBe(0.55);
    expect(() => parseInstrument('BTC-PERPETUAL')).toThrow('not a Deribit option name: "BTC-PERPETUAL" (expected e.g. BTC-27DEC24-100000-C)');
    expect(() => parseInstrument('BTC-31FEB24-1-C')).toThrow('(no such day)');
    const f = fridayExpiries(NOW, NOW + 15 * 86_400_000);
    expect(f.map((t) => new Date(t).toISOString())).toEqual(['2026-01-02T08:00:00.000Z', '2026-01-09T08:00:00.000Z']);
    expect(fridayExpiries(Date.UTC(2026, 0, 2, 8), Date.UTC(2026, 0, 9, 8))).toEqual([Date.UTC(2026, 0, 9, 8)]); // not the one expiring now
  });

  it('prices in the inverse convention: coin price = USD price / S, coin delta = USD delta - coin price', () => {
    const o = { S: 60_000, K: 90_000, T: 0.1, r: 0, sigma: 0.7, type: 'call' as const };
    expect(inversePrice(o)).toBeCloseTo(bsPrice(o) / 60_000, 15);
    expect(inverseDelta(o)).toBeCloseTo(bsGreeks(o).delta - bsPrice(o) / 60_000, 15);
  });
});

describe('synthetic chain', () => {
  const chain = syntheticChain('BTC', 60_000, 0.6, NOW);

  it('lists Friday expiries up to 120 days on a round strike grid, priced on a smile in coin, tick-rounded', () => {
    expect(strikeStep(60_000, 2.5)).toBe(2_000); // 1 500 rounded to 1, 2, 2.5, 5 x 10^k (at least 80 % of it)
    expect(strikeStep(3_000, 2.5)).toBe(100);
    expect(strikeStep(3_000, 2)).toBe(50);
    expect(new Set(chain.map((q) => q.expiryMs)).size).toBe(17);
    const q = chain.find((x) => x.instrument === 'BTC-27FEB26-90000-C')!;
    expect(q).toMatchObject({ underlying: 'BTC', strike: 90_000, type: 'call', indexUsd: 60_000 });
    const T = (Date.UTC(2026, 1, 27, 8) - NOW) / (365 * 86_400_000);
    const iv = smileVol(0.66, 60_000, 90_000, T, DEFAULT_CHAIN);
    expect(q.markIv).toBeCloseTo(iv, 15);
    expect(q.mark).toBeCloseTo(bsPrice({ S: 60_000, K: 90_000, T, r: 0, sigma: iv, type: 'call' }) / 60_000, 15);
    for (const x of chain) {
      expect(x.ask).toBeGreaterThanOrEqual(0.0001);
      expect(x.bid).toBeLessThan(x.ask);
      expect(Math.abs(x.bid * 1e4 - Math.round(x.bid * 1e4))).toBeLessThan(1e-6);
      if (x.bid > 0) expect(x.mark).toBeGreaterThan(x.bid);
    }
    expect(smileVol(0.66, 60_000, 60_000, T, DEFAULT_CHAIN)).toBeCloseTo(0.66, 15); // at the money: the ATM vol
    expect(smileVol(0.66, 60_000, 1e9, T, DEFAULT_CHAIN)).toBe(3 * 0.66); // capped
  });

  const s: SleeveSettings = { budgetFraction: 0.005, budgetPeriodMs: 30 * 86_400_000, underlyings: ['BTC'], minDteDays: 30, maxDteDays: 90, deltaMin: 0.05, deltaMax: 0.1, includePuts: false, maxSpread: 0.2, minOpenInterest: 10, rollDteDays: 7, takeProfitMultiple: 5 };

  it('selects an option inside the expiry, delta and liquidity bands, nearest the middle of the delta band', () => {
    const q = selectOption(chain, 'BTC', 'call', NOW, s)!;
    const d = quoteDelta(q, NOW);
    expect(d).toBeGreaterThanOrEqual(0.05);
    expect(d).toBeLessThanOrEqual(0.1);
    const dte = (q.expiryMs - NOW) / 86_400_000;
    expect(dte).toBeGreaterThanOrEqual(30);
    expect(dte).toBeLessThanOrEqual(90);
    // no other eligible option is nearer 0.075
    for (const x of chain) {
      const dx = Math.abs(quoteDelta(x, NOW));
      const ok = x.type === 'call' && x.bid > 0 && (x.expiryMs - NOW) / 86_400_000 >= 30 && (x.expiryMs - NOW) / 86_400_000 <= 90 && dx >= 0.05 && dx <= 0.1 && (x.ask - x.bid) / ((x.ask + x.bid) / 2) <= 0.2 && x.openInterest >= 10;
      if (ok) expect(Math.abs(dx - 0.075)).toBeGreaterThanOrEqual(Math.abs(d - 0.075) - 1e-12);
    }
    expect(selectOption(chain, 'BTC', 'put', NOW, { ...s, deltaMin: 0.5, deltaMax: 0.51, maxSpread: 0.0001 })).toBeNull();
    expect(selectOption(chain, 'ETH', 'call', NOW, s)).toBeNull();
  });

  it('sizes within the budget (premium + fee, whole contract steps) and resets it each period', () => {
    const q = { ...chain[0]!, underlying: 'BTC', ask: 0.01, indexUsd: 60_000 };
    // one contract: (0.01 + 0.0003) x 60 000 = 618 USD; 1 500 USD allows 2.4 contracts -> 2.4 (step 0.1)
    expect(contractsWithinBudget(q, 1_500)).toBe(2.4);
    expect(contractsWithinBudget(q, 61.7)).toBe(0);
    expect(contractsWithinBudget(q, 61.8)).toBe(0.1);
    expect(contractsWithinBudget({ ...q, underlying: 'ETH', indexUsd: 3_000 }, 100)).toBe(3); // whole ETH contracts
    expect(optionFeeCoin(0.001, 10)).toBeCloseTo(0.00125, 15); // capped at 12.5 % of the price
    expect(optionFeeCoin(0.01, 10)).toBeCloseTo(0.003, 15);
    const b = { periodStartMs: 0, spentUsd: 400 };
    expect(budgetAt(b, 29 * 86_400_000, 30 * 86_400_000)).toBe(b);
    expect(budgetAt(b, 65 * 86_400_000, 30 * 86_400_000)).toEqual({ periodStartMs: 60 * 86_400_000, spentUsd: 0 });
  });
});
