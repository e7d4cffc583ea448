import { describe, expect, it } from 'vitest';
import { POST_HOURS, PRE_HOURS, pumpStatistics, type HourBar } from '../../src/alpha/pump-statistics.js';

const H = 3_600_000;

/** An event's window: flat history alternating volume 1 and 3, a drift, a spike, a dump. */
function window(symbol: string, hourMs: number, o: { drift?: number; peak?: number; after?: number; gap?: number } = {}) {
  const bars: (HourBar | null)[] = [];
  for (let h = -PRE_HOURS; h < POST_HOURS; h++) {
    let close = 100;
    if (h >= -7 && h < 0) close = 100 * (1 + (o.drift ?? 0.06) * ((h + 7) / 6));
    const pre = 100 * (1 + (o.drift ?? 0.06));
    if (h >= 0) close = pre * (1 + (o.after ?? -0.05));
    const high = h === 0 ? pre * (1 + (o.peak ?? 0.2)) : close;
    bars.push(o.gap === h ? null : { high, low: close, close, volume: h === 0 ? 30 : h === -1 ? 6 : h % 2 === 0 ? 1 : 3 });
  }
  return { symbol, hourMs, bars };
}

describe('pump statistics in hourly bars', () => {
  it('measures drift, volume surprises, peak, dump, hour of day and repeats exactly', () => {
    const day = Date.UTC(2019, 5, 1);
    const s = pumpStatistics([window('A', day + 17 * H), window('A', day + 20 * H + 30 * 86_400_000), window('B', day + 3 * H, { drift: 0.02, peak: 0.1, after: 0.01 })]);
    // the reference: log1p(v / 2) of volumes 1 and 3 (median of positive volumes 2 with even counts: (1 + 3) / 2)
    const lo = Math.log1p(0.5);
    const hi = Math.log1p(1.5);
    const mean = (lo + hi) / 2;
    const sd = Math.sqrt((240 * ((hi - lo) / 2) ** 2) / 239);
    expect(s.events).toBe(3);
    expect(s.measured).toBe(3);
    expect(s.preDrift6h).toBeCloseTo(0.06, 12);
    expect(s.volumeZLastHour).toBeCloseTo((Math.log1p(3) - mean) / sd, 12);
    expect(s.volumeZAnnouncementHour).toBeCloseTo((Math.log1p(15) - mean) / sd, 12);
    expect(s.volumeMultiple).toBe(15);
    expect(s.peakFirstHour).toBeCloseTo(0.2, 12);
    expect(s.sharePeakInFirstHour).toBe(1);
    expect(s.retained24h).toBeCloseTo(-0.05, 12);
    expect(s.halfLifeHours).toBe(0);
    expect(s.shareHours15To20Utc).toBeCloseTo(2 / 3, 12);
    expect(s.shareOnRepeatCoins).toBeCloseTo(2 / 3, 12);
  });

  it('a pump whose price holds up has a half-life of a day; an event without its bars is left out and counted', () => {
    const s = pumpStatistics([window('A', 0, { after: 0.15, peak: 0.2 }), window('B', 0, { gap: 24 }), window('C', 0, { gap: -1 })]);
    expect([s.events, s.measured, s.halfLifeHours]).toEqual([3, 1, 24]);
    const none = pumpStatistics([]);
    expect([none.events, none.measured, Number.isNaN(none.preDrift6h), Number.isNaN(none.shareOnRepeatCoins)]).toEqual([0, 0, true, true]);
  });
});
