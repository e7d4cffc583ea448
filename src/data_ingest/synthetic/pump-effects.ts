import { ACCUMULATION_VOLUME_MULTIPLE } from './pump-calibration.js';
import type { HypeBurst, PumpEvent } from './pump-schedule.js';

/** The peak's instant (a recorded event knows only the bar it falls in). */
const peakAt = (e: PumpEvent) => e.peakAtMs ?? e.peakMs;

/**
 * How an event shapes an asset's bars. `logPriceOffset` is the event's cumulative contribution to the log price at
 * time t (0 before accumulation; the residual after the dump stays): the accumulation drifts up linearly by its own
 * log gain, the pump rises concavely to the peak (usually minutes after the start, as on Binance), and the dump gives
 * back `dumpFraction` of the pump's log gain, fast at first. A fraction above 1 leaves the coin below where the pump
 * began, as most real pumps are a day later.
 */
export function logPriceOffset(e: PumpEvent, t: number): number {
  if (t <= e.accumulationStartMs) return 0;
  const pumpLog = Math.log1p(e.magnitude);
  const accGain = e.accumulationLogGain ?? 0.1 * pumpLog;
  const peak = peakAt(e);
  if (t < e.pumpStartMs) return (accGain * (t - e.accumulationStartMs)) / (e.pumpStartMs - e.accumulationStartMs);
  if (t < peak) {
    const x = (t - e.pumpStartMs) / (peak - e.pumpStartMs);
    return accGain + pumpLog * (1 - (1 - x) ** 2);
  }
  if (t < e.endMs) {
    const y = (t - peak) / (e.endMs - peak);
    return accGain + pumpLog * (1 - e.dumpFraction * (1 - (1 - y) ** 2));
  }
  return accGain + pumpLog * (1 - e.dumpFraction);
}

/**
 * Volume multiple at time t: creeping up through accumulation, the full multiple from the start to the peak, then
 * decaying back towards 1 through the dump.
 */
export function volumeMultiple(e: PumpEvent, t: number): number {
  if (t < e.accumulationStartMs || t >= e.endMs) return 1;
  if (t < e.pumpStartMs) return 1 + ((ACCUMULATION_VOLUME_MULTIPLE - 1) * (t - e.accumulationStartMs)) / (e.pumpStartMs - e.accumulationStartMs);
  const peak = peakAt(e);
  if (t < peak) return e.volumeMultiple;
  return 1 + (e.volumeMultiple - 1) * Math.exp((-3 * (t - peak)) / Math.max(e.endMs - peak, 1));
}

const SUBSTEPS = 12;

/**
 * The event's volume multiple averaged over the bar [openMs, openMs + barMs): a pump that lasts minutes lifts an
 * hourly bar by its share of the hour, and twelve 5m bars add up to about their hour.
 */
export function barVolumeMultiple(e: PumpEvent, openMs: number, barMs: number): number {
  if (openMs + barMs <= e.accumulationStartMs || openMs >= e.endMs) return 1;
  let sum = 0;
  for (let k = 0; k < SUBSTEPS; k++) sum += volumeMultiple(e, openMs + ((k + 0.5) * barMs) / SUBSTEPS);
  return sum / SUBSTEPS;
}

/**
 * How far above the bar's close (in log price) the event's peak lies when the peak falls inside the bar (0 when it
 * does not): the bar's high reaches the top even when the close is already well into the dump.
 */
export function peakAboveClose(e: PumpEvent, openMs: number, closeMs: number): number {
  const peak = peakAt(e);
  if (peak <= openMs || peak > closeMs) return 0;
  return Math.max(0, logPriceOffset(e, peak) - logPriceOffset(e, closeMs));
}

/** Mentions multiple at time t: linear ramp to `intensity` at the peak, then back to 1 by the end. */
export function mentionsMultiple(b: HypeBurst, t: number): number {
  if (t < b.startMs || t >= b.endMs) return 1;
  if (t < b.peakMs) return 1 + ((b.intensity - 1) * (t - b.startMs)) / (b.peakMs - b.startMs);
  return 1 + ((b.intensity - 1) * (b.endMs - t)) / (b.endMs - b.peakMs);
}
