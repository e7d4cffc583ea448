import { describe, expect, it } from 'vitest';
import { bsGreeks, bsPrice, impliedVol, normCdf } from '../../src/options/black-scholes.js';
import { bsGreeks as g2, bsPrice as p2, impliedVol as iv2 } from '../../src/index.js';

const hull = { S: 42, K: 40, T: 0.5, r: 0.1, sigma: 0.2 };
const rel = (a: number, b: number) => Math.abs(a / b - 1);

describe('Black-Scholes', () => {
  it("matches Hull's textbook example (call 4.76, put 0.81) and a 50-digit reference", () => {
    // reference values from mpmath at 50 digits, rounded to 16
    expect(bsPrice({ ...hull, type: 'call' })).toBeCloseTo(4.759422392871533, 12);
    expect(bsPrice({ ...hull, type: 'put' })).toBeCloseTo(0.808599372900094, 12);
    expect(bsPrice({ ...hull, type: 'call' }).toFixed(2)).toBe('4.76');
    expect(bsPrice({ ...hull, type: 'put' }).toFixed(2)).toBe('0.81');
    expect(p2).toBe(bsPrice);
    expect(g2).toBe(bsGreeks);
    expect(iv2).toBe(impliedVol);
  });

  it('keeps full relative precision deep out of the money', () => {
    expect(rel(bsPrice({ S: 100, K: 300, T: 0.05, r: 0, sigma: 0.8, type: 'call' }), 1.958305331382851e-9)).toBeLessThan(1e-12);
    expect(rel(bsPrice({ S: 100, K: 20, T: 0.05, r: 0, sigma: 0.8, type: 'put' }), 1.003062717496291e-19)).toBeLessThan(1e-11);
    expect(rel(bsPrice({ S: 60_000, K: 200_000, T: 7 / 365, r: 0, sigma: 0.6, type: 'call' }), 4.368782474168200e-45)).toBeLessThan(1e-10);
    expect(normCdf(-30)).toBeGreaterThan(0); // 1 - erf would give 0
  });

  it('satisfies put-call parity to 1e-10 across strikes, expiries and rates', () => {
    for (const K of [20, 40, 42, 60, 100]) {
      for (const T of [1 / 365, 0.1, 0.5, 2]) {
        for (const r of [-0.01, 0, 0.05]) {
          const o = { S: 42, K, T, r, sigma: 0.7 };
          const parity = bsPrice({ ...o, type: 'call' }) - bsPrice({ ...o, type: 'put' }) - (42 - K * Math.exp(-r * T));
          expect(Math.abs(parity)).toBeLessThan(1e-10);
        }
      }
    }
  });

  it('has greeks that match finite differences, vega per 1.00 of vol and theta per year', () => {
    for (const type of ['call', 'put'] as const) {
      const o = { ...hull, type };
      const g = bsGreeks(o);
      const h = 1e-4;
      expect(g.delta).toBeCloseTo((bsPrice({ ...o, S: 42 + h }) - bsPrice({ ...o, S: 42 - h })) / (2 * h), 7);
      expect(g.gamma).toBeCloseTo((bsPrice({ ...o, S: 42 + h }) - 2 * bsPrice(o) + bsPrice({ ...o, S: 42 - h })) / (h * h), 4);
      expect(g.vega).toBeCloseTo((bsPrice({ ...o, sigma: 0.2 + h }) - bsPrice({ ...o, sigma: 0.2 - h })) / (2 * h), 6);
      expect(g.theta).toBeCloseTo(-(bsPrice({ ...o, T: 0.5 + h }) - bsPrice({ ...o, T: 0.5 - h })) / (2 * h), 6);
      expect(g.rho).toBeCloseTo((bsPrice({ ...o, r: 0.1 + h }) - bsPrice({ ...o, r: 0.1 - h })) / (2 * h), 6);
    }
    expect(bsGreeks({ ...hull, type: 'call' }).delta - bsGreeks({ ...hull, type: 'put' }).delta).toBeCloseTo(1, 14);
  });

  it('recovers implied volatility to 1e-8 across deep-OTM strikes and short expiries', () => {
    let worst = 0;
    let cases = 0;
    let deep = 0;
    for (const T of [1 / 365, 3 / 365, 7 / 365, 30 / 365, 90 / 365, 1]) {
      for (const sigma of [0.3, 0.8, 1.5]) {
        for (const m of [0.5, 0.7, 0.9, 1, 1.1, 1.5, 2, 3]) {
          for (const type of ['call', 'put'] as const) {
            const o = { S: 60_000, K: 60_000 * m, T, r: 0.01, type };
            const price = bsPrice({ ...o, sigma });
            // not asked: a price below 1e-250 of the underlying (nothing left to invert), or an in-the-money price whose
            // time value is under 1e-4 of it (sigma then lives in the last digits of the price)
            const intrinsic = Math.max(0, type === 'call' ? o.S - o.K * Math.exp(-0.01 * T) : o.K * Math.exp(-0.01 * T) - o.S);
            if (!(price > 1e-250 * o.S) || price - intrinsic < 1e-4 * price) continue;
            const got = impliedVol(price, o);
            cases++;
            if (Math.abs(bsGreeks({ ...o, sigma }).delta) < 0.05) deep++;
            worst = Math.max(worst, Math.abs(got - sigma));
          }
        }
      }
    }
    expect(worst).toBeLessThan(1e-8);
    expect(cases).toBeGreaterThan(200);
    expect(deep).toBeGreaterThan(60); // |delta| < 0.05: the sleeve's territory and beyond
  });

  it('says clearly what is wrong with bad input', () => {
    expect(() => bsPrice({ ...hull, S: 0, type: 'call' })).toThrow('Black-Scholes needs positive finite S (got S=0)');
    expect(() => bsGreeks({ ...hull, sigma: Number.NaN, type: 'call' })).toThrow(/sigma=NaN/);
    expect(() => impliedVol(50, { S: 42, K: 40, T: 0.5, r: 0.1, type: 'call' })).toThrow(/outside the no-arbitrage bounds/);
    expect(() => impliedVol(1, { S: 42, K: 40, T: 0, r: 0.1, type: 'call' })).toThrow(/T=0/);
  });
});
