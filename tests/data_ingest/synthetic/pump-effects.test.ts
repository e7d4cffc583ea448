import { describe, expect, it } from 'vitest';
import { barVolumeMultiple, logPriceOffset, mentionsMultiple, peakAboveClose, volumeMultiple } from '../../../src/data_ingest/synthetic/pump-effects.js';
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

  it('creeps volume up before the pump, holds the multiple to the peak and lets it decay through the dump', () => {
    expect(volumeMultiple(e, -1)).toBe(1);
    expect(volumeMultiple(e, 5 * H)).toBe(1.5); // halfway to the accumulation multiple of 2
    expect(volumeMultiple(e, 10 * H)).toBe(20);
    expect(volumeMultiple(e, 11 * H)).toBe(20);
    expect(volumeMultiple(e, 12 * H)).toBe(20);
    expect(volumeMultiple(e, 14 * H)).toBeCloseTo(1 + 19 * Math.exp(-1.5), 12);
    expect(volumeMultiple(e, 16 * H)).toBe(1);
  });

  it('a pump of minutes: the peak inside its bar lifts the bar\'s high, and the bar\'s volume is the average over it', () => {
    // called at 10:00, peaks at 10:15, dumps until 12:15: the 10:00 hourly bar holds the peak
    const fast: PumpEvent = { ...e, peakMs: 10 * H, peakAtMs: 10.25 * H, endMs: 12 * H, accumulationLogGain: 0.04, magnitude: 0.2, dumpFraction: 1.2 };
    const g = Math.log(1.2);
    expect(logPriceOffset(fast, 10 * H)).toBeCloseTo(0.04, 12); // the accumulation's own gain, not a tenth of the pump's
    expect(logPriceOffset(fast, 10.25 * H)).toBeCloseTo(0.04 + g, 12);
    expect(logPriceOffset(fast, 99 * H)).toBeCloseTo(0.04 - 0.2 * g, 12); // 120 % given back: below the start a day later
    // the close at 11:00 is into the dump; the high reaches the peak
    const yClose = 0.75 / 1.75;
    expect(peakAboveClose(fast, 10 * H, 11 * H)).toBeCloseTo(g * 1.2 * (1 - (1 - yClose) ** 2), 12);
    expect(peakAboveClose(fast, 11 * H, 12 * H)).toBe(0);
    expect(peakAboveClose(fast, 9 * H, 10 * H)).toBe(0);
    // the hour's volume: a quarter at 20x, then the decay (12 sub-steps of 5 minutes)
    const expected = [...Array(12).keys()].map((k) => volumeMultiple(fast, 10 * H + ((k + 0.5) * H) / 12)).reduce((a, v) => a + v, 0) / 12;
    expect(barVolumeMultiple(fast, 10 * H, H)).toBeCloseTo(expected, 12);
    expect(barVolumeMultiple(fast, 10 * H, H)).toBeGreaterThan(10);
    expect(barVolumeMultiple(fast, 10 * H, H)).toBeLessThan(20);
    expect(barVolumeMultiple(fast, 13 * H, H)).toBe(1);
  });

  it('ramps mentions to the burst intensity at its peak and back', () => {
    const b = { symbol: 'X', startMs: 0, peakMs: 4 * H, endMs: 8 * H, intensity: 5, pumpId: null };
    expect([-1, 0, 2 * H, 4 * H, 6 * H, 8 * H].map((t) => mentionsMultiple(b, t))).toEqual([1, 1, 3, 5, 3, 1]);
  });
});
