import { gainOf, LEVEL_SLACK, type ExitRule } from './exit-rule.js';

/** Cut a pump that failed: the close is `lossPct` % or more below the entry price. */
export function stopLoss(lossPct: number): ExitRule {
  return {
    reason: 'stop_loss',
    check(p, bar) {
      const gain = gainOf(p, bar);
      if (!(gain <= -lossPct / 100 + LEVEL_SLACK)) return null;
      return { reason: 'stop_loss', detail: `close ${bar.closeUsd} is ${(-100 * gain).toFixed(2)} % below the entry ${p.avgEntryPriceUsd} (stop at ${lossPct} %)`, values: { gainPct: 100 * gain, lossPct } };
    },
  };
}
