/** The ground truth the labels need from a pump event (times in ms, bar open times). */
export interface PumpWindow {
  symbol: string;
  pumpStartMs: number;
  peakMs: number;
  endMs: number;
  accumulationStartMs: number;
}

/** One (asset, bar) of the pump model's data: features, the training target and the evaluation window flag. */
export interface DatasetRow {
  symbol: string;
  cycle: number;
  closeMs: number;
  x: number[];
  /** Training target: a pump on this asset starts within the next `horizonBars` bars. */
  y: 0 | 1;
  /** Evaluation window: from `horizonBars` before a pump's start until its peak (an alarm here can still be acted on). */
  actionable: 0 | 1;
}

/** Candles per asset for the baseline, aligned with the dataset's cycles. */
export interface Candles {
  cycles: number[];
  high: number[];
  close: number[];
  volume: number[];
}

export interface Dataset {
  rows: DatasetRow[];
  candles: Map<string, Candles>;
  events: PumpWindow[];
  firstCycle: number;
  lastCycle: number;
  fitStats: { fits: number; fallbacks: number };
}

/** Label of the bar closing at `closeMs` for the events of one asset. */
export function labelsAt(events: readonly PumpWindow[], closeMs: number, horizonMs: number): { y: 0 | 1; actionable: 0 | 1 } {
  let y: 0 | 1 = 0;
  let actionable: 0 | 1 = 0;
  for (const e of events) {
    if (e.pumpStartMs >= closeMs && e.pumpStartMs < closeMs + horizonMs) y = 1;
    if (closeMs >= e.pumpStartMs - horizonMs && closeMs < e.peakMs) actionable = 1;
  }
  return { y, actionable };
}

