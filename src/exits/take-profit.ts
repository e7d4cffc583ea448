import { gainOf, LEVEL_SLACK, type ExitRule } from './exit-rule.js';

/** Take the pump's gain: the close is `gainPct` % or more above the entry price. */
export function takeProfit(gainPct: number): ExitRule {
  return {
    reason: 'take_profit',
    check(p, bar) {
      const gain = gainOf(p, bar);
      if (!(gain >= gainPct / 100 - LEVEL_SLACK)) return null;
      return { reason: 'take_profit', detail: `close ${bar.closeUsd} is ${(100 * gain).toFixed(2)} % above the entry ${p.avgEntryPriceUsd} (target ${gainPct} %)`, values: { gainPct: 100 * gain, targetPct: gainPct } };
    },
  };
}
