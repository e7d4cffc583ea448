import { gainOf, LEVEL_SLACK, type ExitRule, type ExitSignal } from './exit-rule.js';

export interface SpikeSettings {
  /** Sell when the in-pump detector's probability reaches this (null: not used). */
  inPumpProbability: number | null;
  /** ... or when one bar's return reaches this % ... */
  surgeReturnPct: number;
  /** ... on volume of at least this multiple of an average bar (ADV / bars a day). */
  surgeVolumeMultiple: number;
}

const inPumpFires = (s: SpikeSettings, p: number | null): p is number => s.inPumpProbability !== null && p !== null && p >= s.inPumpProbability;

/** The rise from `fromUsd` to the close and the bar's volume multiple, when both reach their levels; else null. */
function surgeOf(s: SpikeSettings, fromUsd: number | null, bar: { closeUsd: number; volumeUsd: number; advUsd: number; barsPerDay: number }): { barReturn: number; volumeMultiple: number } | null {
  if (fromUsd === null || !(fromUsd > 0) || !(bar.advUsd > 0)) return null;
  const barReturn = bar.closeUsd / fromUsd - 1;
  const volumeMultiple = bar.volumeUsd / (bar.advUsd / bar.barsPerDay);
  return barReturn >= s.surgeReturnPct / 100 - LEVEL_SLACK && volumeMultiple >= s.surgeVolumeMultiple - LEVEL_SLACK ? { barReturn, volumeMultiple } : null;
}

/**
 * Whether a bar is a pump under way by the same measure, on the bar alone (its open standing for the close before):
 * the entry block uses it on assets not held, so as not to buy into a pump that has begun (its dump follows).
 */
export function isSpikeBar(s: SpikeSettings, bar: { openUsd: number; closeUsd: number; volumeUsd: number; advUsd: number; barsPerDay: number; inPumpProbability: number | null }): boolean {
  return inPumpFires(s, bar.inPumpProbability) || surgeOf(s, bar.openUsd, bar) !== null;
}

/**
 * Sell into the spike while the pump is on: the in-pump signal fires, or price and volume surge together. Only a
 * position in profit is sold this way (a surge into a loss is left to the stop and the time limit).
 */
export function spikeSell(s: SpikeSettings): ExitRule {
  return {
    reason: 'spike',
    check(p, bar): ExitSignal | null {
      const gain = gainOf(p, bar);
      if (!(gain > 0)) return null;
      if (inPumpFires(s, bar.inPumpProbability)) {
        return { reason: 'spike', detail: `in-pump probability ${bar.inPumpProbability.toFixed(3)} >= ${s.inPumpProbability}`, values: { gainPct: 100 * gain, inPumpProbability: bar.inPumpProbability } };
      }
      const surge = surgeOf(s, bar.prevCloseUsd, bar);
      if (surge === null) return null;
      const { barReturn, volumeMultiple } = surge;
      return {
        reason: 'spike',
        detail: `bar return ${(100 * barReturn).toFixed(2)} % on ${volumeMultiple.toFixed(1)}x an average bar's volume`,
        values: { gainPct: 100 * gain, barReturnPct: 100 * barReturn, volumeMultiple },
      };
    },
  };
}
