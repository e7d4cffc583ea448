/** What the false-alarm count needs of a dataset row. */
export interface AlarmRow {
  symbol: string;
  cycle: number;
  actionable: 0 | 1;
}

/**
 * False alarms as a trader meets them: the entries a desk would make that no pump follows. An alarm enters a
 * position held for the horizon; alarms while it is held add nothing, and one after the horizon has run out is a new
 * entry. An entry outside the actionable windows (from the horizon before a pump's start to its peak) is a false
 * alarm. So a one-hour false alarm is one at 1h and at 5m alike (not one or twelve), a 5m score flickering around its
 * threshold is one entry per horizon, and an alarm left on for a day without a pump is four at a 6 h horizon (an
 * always-on detector cannot hide its false alarms in one long alarm). Rows in cycle order per asset.
 */
export function falseAlarms(rows: readonly AlarmRow[], alarms: readonly boolean[], horizonBars: number): number {
  const h = Math.max(1, horizonBars);
  const lastEntry = new Map<string, number>();
  let count = 0;
  rows.forEach((r, i) => {
    if (!alarms[i]) return;
    const last = lastEntry.get(r.symbol);
    if (last !== undefined && r.cycle - last < h) return;
    lastEntry.set(r.symbol, r.cycle);
    if (r.actionable === 0) count++;
  });
  return count;
}
