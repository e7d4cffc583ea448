/** What the false-alarm count needs of a dataset row. */
export interface AlarmRow {
  symbol: string;
  cycle: number;
  actionable: 0 | 1;
}

/**
 * False alarms as a trader meets them, in spans of the horizon rather than in bars: a stretch of alarms on one asset
 * in consecutive bars, none of them in an actionable window (from the horizon before a pump's start to its peak),
 * counts one false alarm per horizon it lasts, begun (ceil(bars / horizonBars)). So a one-hour false alarm is one at
 * 1h and at 5m alike (not one or twelve), and an alarm left on for a day without a pump counts four at a 6 h horizon
 * (never one: an always-on detector cannot hide its false alarms in one long episode). Rows in cycle order per asset.
 */
export function falseAlarms(rows: readonly AlarmRow[], alarms: readonly boolean[], horizonBars: number): number {
  const h = Math.max(1, horizonBars);
  const open = new Map<string, { lastCycle: number; bars: number }>();
  let count = 0;
  rows.forEach((r, i) => {
    const run = open.get(r.symbol);
    const extends_ = run !== undefined && run.lastCycle === r.cycle - 1;
    if (alarms[i] && r.actionable === 0 && extends_) {
      run.lastCycle = r.cycle;
      run.bars++;
      return;
    }
    if (run !== undefined) {
      count += Math.ceil(run.bars / h);
      open.delete(r.symbol);
    }
    if (alarms[i] && r.actionable === 0) open.set(r.symbol, { lastCycle: r.cycle, bars: 1 });
  });
  for (const run of open.values()) count += Math.ceil(run.bars / h);
  return count;
}
