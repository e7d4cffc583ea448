import { describe, expect, it } from 'vitest';
import { historicalCvar, historicalVar } from '../../src/risk_guardrails/historical-var.js';
import { hitRate, sharpe } from '../../src/risk_guardrails/performance.js';

// P&L -10, -8, ..., +8 (10 values): losses sorted 8, 6, ..., -8, 10 -> ascending -8 .. 10 step 2
const pnl = [-10, -8, -6, -4, -2, 0, 2, 4, 6, 8];

describe('historicalVar / historicalCvar', () => {
  it('interpolates the loss quantile linearly (numpy "linear")', () => {
    // ascending losses: -8 -6 -4 -2 0 2 4 6 8 10; 95 %: h = 9 x 0.95 = 8.55 -> 8 + 0.55 x 2 = 9.1
    expect(historicalVar(pnl, 0.95)).toBeCloseTo(9.1, 12);
    // 99 %: h = 8.91 -> 8 + 0.91 x 2 = 9.82
    expect(historicalVar(pnl, 0.99)).toBeCloseTo(9.82, 12);
    // 50 %: h = 4.5 -> 0 + 0.5 x 2 = 1
    expect(historicalVar(pnl, 0.5)).toBeCloseTo(1, 12);
    expect(historicalVar([], 0.95)).toBeNaN();
    expect(() => historicalVar(pnl, 1)).toThrow('VaR level must be in (0, 1), got 1');
  });

  it('CVaR is the mean of losses at or beyond VaR', () => {
    expect(historicalCvar(pnl, 0.95)).toBe(10); // only the 10 loss is >= 9.1
    expect(historicalCvar(pnl, 0.5)).toBe((2 + 4 + 6 + 8 + 10) / 5);
    expect(historicalCvar([], 0.9)).toBeNaN();
  });
});

describe('sharpe / hitRate', () => {
  it('annualises mean over sd (ddof 1)', () => {
    // [0.01, 0.02, 0.03]: mean 0.02, sd 0.01 -> 2 x sqrt(365)
    expect(sharpe([0.01, 0.02, 0.03], 365)).toBeCloseTo(2 * Math.sqrt(365), 12);
    expect(sharpe([0.01], 365)).toBeNaN();
    expect(sharpe([0, 0], 365)).toBe(0);
    expect(sharpe([0.01, 0.01], 365)).toBe(Infinity);
  });

  it('counts only winners as hits', () => {
    expect(hitRate([1, -1, 0, 2])).toBe(0.5);
    expect(hitRate([])).toBeNaN();
  });
});
