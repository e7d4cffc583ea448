import { gainOf, LEVEL_SLACK, type ExitRule } from './exit-rule.js';

export interface TimeLimitSettings {
  /** Bars held after which the pump is not coming (the model's horizon plus a grace). */
  maxBars: number;
  /** Past maxBars the position is closed at the first close this % or more above entry (0: at once)... */
  minGainPct: number;
  /** ...or at the latest this many bars after maxBars, whatever its gain. */
  patienceBars: number;
}

/**
 * The pump did not come in time: close after `maxBars` bars held. Like freqtrade's decaying minimal ROI, a position
 * past its time may wait `patienceBars` more for a close `minGainPct` above its entry (the costs of the round trip)
 * before it is closed whatever its price.
 */
export function timeLimit(s: TimeLimitSettings | number): ExitRule {
  const t = typeof s === 'number' ? { maxBars: s, minGainPct: 0, patienceBars: 0 } : s;
  return {
    reason: 'time_limit',
    check(p, bar) {
      const held = bar.cycle - p.openedCycle;
      if (held < t.maxBars) return null;
      const gain = gainOf(p, bar);
      const late = held >= t.maxBars + t.patienceBars;
      if (!late && !(gain >= t.minGainPct / 100 - LEVEL_SLACK)) return null;
      return {
        reason: 'time_limit',
        detail: late ? `held ${held} bars (limit ${t.maxBars}${t.patienceBars > 0 ? ` + ${t.patienceBars} waiting for +${t.minGainPct} %` : ''})` : `held ${held} bars (limit ${t.maxBars}) and ${(100 * gain).toFixed(2)} % up (>= ${t.minGainPct} %)`,
        values: { heldBars: held, maxBars: t.maxBars, gainPct: 100 * gain },
      };
    },
  };
}
