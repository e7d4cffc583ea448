import { gainOf, type ExitRule } from './exit-rule.js';

/** The pump did not come in time: close after `maxBars` bars held (the model's horizon plus a grace). */
export function timeLimit(maxBars: number): ExitRule {
  return {
    reason: 'time_limit',
    check(p, bar) {
      const held = bar.cycle - p.openedCycle;
      if (held < maxBars) return null;
      return { reason: 'time_limit', detail: `held ${held} bars (limit ${maxBars})`, values: { heldBars: held, maxBars, gainPct: 100 * gainOf(p, bar) } };
    },
  };
}
