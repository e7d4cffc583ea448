import { gainOf, LEVEL_SLACK, type ExitRule } from './exit-rule.js';

/**
 * Keep most of a gain: once the highest close since entry has been `activatePct` % above the entry price, close when
 * the close falls `trailPct` % below that high.
 */
export function trailingStop(activatePct: number, trailPct: number): ExitRule {
  return {
    reason: 'trailing_stop',
    check(p, bar) {
      const peakGain = p.highWaterUsd / p.avgEntryPriceUsd - 1;
      if (!(peakGain >= activatePct / 100 - LEVEL_SLACK)) return null;
      const fromHigh = bar.closeUsd / p.highWaterUsd - 1;
      if (!(fromHigh <= -trailPct / 100 + LEVEL_SLACK)) return null;
      return {
        reason: 'trailing_stop',
        detail: `close ${bar.closeUsd} is ${(-100 * fromHigh).toFixed(2)} % below the high ${p.highWaterUsd} since entry (trail ${trailPct} %, active from +${activatePct} %)`,
        values: { gainPct: 100 * gainOf(p, bar), peakGainPct: 100 * peakGain, fromHighPct: 100 * fromHigh, trailPct },
      };
    },
  };
}
