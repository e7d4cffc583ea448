import { describe, expect, it } from 'vitest';
import { camelCase, camelizeKeys } from '../../src/utils/camel-case.js';

describe('camelizeKeys', () => {
  it('turns snake_case keys into camelCase at every depth, leaving values alone', () => {
    expect(camelCase('adv_cap_pct')).toBe('advCapPct');
    expect(camelCase('daily_audit_hour_utc')).toBe('dailyAuditHourUtc');
    expect(camelCase('var')).toBe('var');
    expect(
      camelizeKeys({ drawdown_soft_levels: [{ drawdown_pct: 5, gross_scale: 0.75 }], exclude: ['SOME_TICKER'], x: null }),
    ).toEqual({ drawdownSoftLevels: [{ drawdownPct: 5, grossScale: 0.75 }], exclude: ['SOME_TICKER'], x: null });
  });
});
