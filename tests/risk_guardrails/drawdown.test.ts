import { describe, expect, it } from 'vitest';
import { currentDrawdown, maxDrawdown } from '../../src/risk_guardrails/drawdown.js';

describe('maxDrawdown', () => {
  it('is the largest fall from a running peak, as a fraction of that peak', () => {
    // peak 120, trough 90: 30/120 = 0.25; the later fall 130 -> 110 is 20/130 = 0.1538
    expect(maxDrawdown([100, 120, 90, 130, 110])).toBe(0.25);
    expect(maxDrawdown([100, 101, 102])).toBe(0);
    expect(maxDrawdown([])).toBe(0);
    expect(maxDrawdown([100, 50, 0])).toBe(1);
  });

  it('currentDrawdown is zero at or above the peak', () => {
    expect(currentDrawdown(90, 120)).toBe(0.25);
    expect(currentDrawdown(130, 120)).toBe(0);
    expect(currentDrawdown(10, 0)).toBe(0);
  });
});
