import type { HypeBurst, PumpEvent } from './pump-schedule.js';

/**
 * How an event shapes an asset's bars. `logPriceOffset` is the event's cumulative contribution to the log price at
 * time t (0 before accumulation; the residual after the dump stays): accumulation drifts up by a tenth of the pump's
 * log gain, the pump rises concavely to the peak, the dump gives back `dumpFraction` of the pump's log gain.
 */
export function logPriceOffset(e: PumpEvent, t: number): number {
  if (t <= e.accumulationStartMs) return 0;
  const pumpLog = Math.log1p(e.magnitude);
  const accGain = 0.1 * pumpLog;
  if (t < e.pumpStartMs) return (accGain * (t - e.accumulationStartMs)) / (e.pumpStartMs - e.accumulationStartMs);
  if (t < e.peakMs) {
    const x = (t - e.pumpStartMs) / (e.peakMs - e.pumpStartMs);
    return accGain + pumpLog * (1 - (1 - x) ** 2);
  }
  if (t < e.endMs) {
    const y = (t - e.peakMs) / (e.endMs - e.peakMs);
    return accGain + pumpLog * (1 - e.dumpFraction * (1 - (1 - y) ** 2));
  }
  return accGain + pumpLog * (1 - e.dumpFraction);
}

/** Volume multiple at time t: creeping up through accumulation, 10-50x at the pump, fading through the dump. */
export function volumeMultiple(e: PumpEvent, t: number): number {
  if (t < e.accumulationStartMs || t >= e.endMs) return 1;
  if (t < e.pumpStartMs) return 1 + (2 * (t - e.accumulationStartMs)) / (e.pumpStartMs - e.accumulationStartMs);
  if (t < e.peakMs) return e.volumeMultiple * (1 - (0.4 * (t - e.pumpStartMs)) / (e.peakMs - e.pumpStartMs));
  const y = (t - e.peakMs) / (e.endMs - e.peakMs);
  return 0.5 * e.volumeMultiple * (1 - y) + 1.5 * y;
}

/** Mentions multiple at time t: linear ramp to `intensity` at the peak, then back to 1 by the end. */
export function mentionsMultiple(b: HypeBurst, t: number): number {
  if (t < b.startMs || t >= b.endMs) return 1;
  if (t < b.peakMs) return 1 + ((b.intensity - 1) * (t - b.startMs)) / (b.peakMs - b.startMs);
  return 1 + ((b.intensity - 1) * (b.endMs - t)) / (b.endMs - b.peakMs);
}
