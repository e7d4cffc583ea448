import { describe, expect, it } from 'vitest';
import { logPriceOffset, mentionsMultiple, volumeMultiple } from '../../../src/data_ingest/synthetic/pump-effects.js';
import type { PumpEvent } from '../../../src/data_ingest/synthetic/pump-schedule.js';

const H = 3_600_000;
const e: PumpEvent = {
  id: 1,
  symbol: 'X',
  accumulationStartMs: 0,
  pumpStartMs: 10 * H,
  peakMs: 12 * H,
  endMs: 16 * H,
  magnitude: 1, // +100 %
  dumpFraction: 0.8,
  volumeMultiple: 20,
  hypeStartMs: 6 * H,
};

describe('pump effects', () => {
  it('moves the log price through accumulation, pump and dump', () => {
    const g = Math.log(2);
    expect(logPriceOffset(e, 0)).toBe(0);
    expect(logPriceOffset(e, 5 * H)).toBeCloseTo(0.05 * g, 12); // half of the 10 % accumulation drift
    expect(logPriceOffset(e, 10 * H)).toBeCloseTo(0.1 * g, 12);
    expect(logPriceOffset(e, 11 * H)).toBeCloseTo(0.1 * g + 0.75 * g, 12); // concave: 3/4 of the gain at half time
    expect(logPriceOffset(e, 12 * H)).toBeCloseTo(1.1 * g, 12);
    // the peak is exactly +100 % over the pre-pump price
    expect(Math.exp(logPriceOffset(e, 12 * H) - logPriceOffset(e, 10 * H))).toBeCloseTo(2, 12);
    expect(logPriceOffset(e, 16 * H)).toBeCloseTo(0.1 * g + 0.2 * g, 12);
    expect(logPriceOffset(e, 99 * H)).toBeCloseTo(0.3 * g, 12);
  });

  it('creeps volume up before the pump, spikes it at the pump and fades it in the dump', () => {
    expect(volumeMultiple(e, -1)).toBe(1);
    expect(volumeMultiple(e, 5 * H)).toBe(2);
    expect(volumeMultiple(e, 10 * H)).toBe(20);
    expect(volumeMultiple(e, 11 * H)).toBe(16);
    expect(volumeMultiple(e, 12 * H)).toBe(10);
    expect(volumeMultiple(e, 14 * H)).toBe(5.75);
    expect(volumeMultiple(e, 16 * H)).toBe(1);
  });

  it('ramps mentions to the burst intensity at its peak and back', () => {
    const b = { symbol: 'X', startMs: 0, peakMs: 4 * H, endMs: 8 * H, intensity: 5, pumpId: null };
    expect([-1, 0, 2 * H, 4 * H, 6 * H, 8 * H].map((t) => mentionsMultiple(b, t))).toEqual([1, 1, 3, 5, 3, 1]);
  });
});
