import type { Rng } from '../../utils/rng.js';
import { DAY_MS, HOUR_MS } from '../../utils/time.js';
import { cumulative, pickWeighted, poisson } from './draws.js';
import {
  ACCUMULATION_HOURS,
  ACCUMULATION_LOG_GAIN,
  COOLDOWN_DAYS,
  DUMP_FRACTION,
  DUMP_HOURS,
  HYPE_LEAD_HOURS,
  MAGNITUDE_RANGE,
  PEAK_MINUTES_FAST,
  PEAK_MINUTES_SLOW,
  PUMP_VOLUME_MULTIPLE,
  SHARE_PEAK_IN_FIRST_HOUR,
  DAY_OF_WEEK_COUNTS_MON_FIRST,
  HOUR_OF_DAY_COUNTS,
  SHARE_EXACTLY_ON_HOUR,
} from './pump-calibration.js';

/** Ground truth of one pump-and-dump, as exported by `coce data generate` (times are bar open times, ms UTC). */
export interface PumpEvent {
  id: number;
  symbol: string;
  accumulationStartMs: number;
  pumpStartMs: number;
  peakMs: number;
  endMs: number;
  /** Peak gain over the pre-pump price, as a fraction (0.8 = +80 %). */
  magnitude: number;
  /** Share of the (log) gain given back by endMs. */
  dumpFraction: number;
  /** Volume multiple at the pump. */
  volumeMultiple: number;
  /**
   * Synthetic events only (the price path; not in events.csv): the instant of the peak inside the bar `peakMs`
   * opens, and the log gain of the accumulation before the start. A recorded event has neither.
   */
  peakAtMs?: number;
  accumulationLogGain?: number;
  /** Start of the social hype burst before the pump; null when the pump came without one. */
  hypeStartMs: number | null;
}

/** A burst of social mentions. With pumpId null it is a false lead: no pump follows. */
export interface HypeBurst {
  symbol: string;
  startMs: number;
  peakMs: number;
  endMs: number;
  intensity: number;
  pumpId: number | null;
}

export interface PumpScheduleOptions {
  barMs: number;
  symbols: string[];
  /** Relative pump propensity of each symbol (same order). */
  propensity: number[];
  pumpsPerMonth: number;
  falseHypePerMonth: number;
  hypeLeadShare: number;
}

const DAYS_PER_MONTH = 365 / 12;
// A little mass at every hour: the data has no night events, but "never" is too strong a prior.
const HOUR_CDF = cumulative(HOUR_OF_DAY_COUNTS.map((c) => c + 0.25));
const DOW_MEAN = DAY_OF_WEEK_COUNTS_MON_FIRST.reduce((a, b) => a + b, 0) / 7;

const uniform = (rng: Rng, lo: number, hi: number) => lo + (hi - lo) * rng.next();
const intBetween = (rng: Rng, lo: number, hi: number) => lo + rng.int(hi - lo + 1);

/**
 * Draws pump-and-dump events and hype bursts day by day from its own seeded stream. Days must be scheduled in order;
 * the generator schedules a few days ahead of the bar it is producing so accumulation and hype can begin early.
 */
export class PumpSchedule {
  readonly pumps: PumpEvent[] = [];
  readonly bursts: HypeBurst[] = [];
  private readonly propensityCdf: number[];
  private readonly lastPumpMs = new Map<string, number>();

  constructor(
    private readonly rng: Rng,
    private readonly o: PumpScheduleOptions,
  ) {
    this.propensityCdf = cumulative(o.propensity);
  }

  private align(ms: number): number {
    return Math.round(ms / this.o.barMs) * this.o.barMs;
  }

  private startTime(dayStartMs: number): number {
    const hour = pickWeighted(this.rng, HOUR_CDF);
    const offsetMin = this.rng.next() < SHARE_EXACTLY_ON_HOUR ? 0 : uniform(this.rng, -5, 5);
    return this.align(dayStartMs + hour * HOUR_MS + offsetMin * 60_000);
  }

  /** Schedule the events whose pump (or burst) starts on the UTC day beginning at dayStartMs. */
  scheduleDay(dayStartMs: number): void {
    const o = this.o;
    const rng = this.rng;
    const dowMonFirst = (new Date(dayStartMs).getUTCDay() + 6) % 7;
    const expected = (o.pumpsPerMonth / DAYS_PER_MONTH) * (DAY_OF_WEEK_COUNTS_MON_FIRST[dowMonFirst]! / DOW_MEAN);
    const n = poisson(rng, expected);
    for (let i = 0; i < n; i++) {
      const pumpStartMs = this.startTime(dayStartMs);
      let asset = -1;
      for (let tries = 0; tries < 20 && asset < 0; tries++) {
        const pick = pickWeighted(rng, this.propensityCdf);
        const last = this.lastPumpMs.get(o.symbols[pick]!);
        if (last === undefined || Math.abs(pumpStartMs - last) >= COOLDOWN_DAYS * DAY_MS) asset = pick;
      }
      // Draws happen whether or not a coin was free, so the stream stays aligned. Ranges: pump-calibration.ts.
      const magnitude = Math.exp(uniform(rng, Math.log(MAGNITUDE_RANGE[0]), Math.log(MAGNITUDE_RANGE[1])));
      const peakMinutes = rng.next() < SHARE_PEAK_IN_FIRST_HOUR ? uniform(rng, ...PEAK_MINUTES_FAST) : uniform(rng, ...PEAK_MINUTES_SLOW);
      const accumulationHours = intBetween(rng, ...ACCUMULATION_HOURS);
      const accumulationLogGain = uniform(rng, ...ACCUMULATION_LOG_GAIN);
      const dumpHours = intBetween(rng, ...DUMP_HOURS);
      const dumpFraction = uniform(rng, ...DUMP_FRACTION);
      const volumeMultiple = Math.exp(uniform(rng, Math.log(PUMP_VOLUME_MULTIPLE[0]), Math.log(PUMP_VOLUME_MULTIPLE[1])));
      const withHype = rng.next() < o.hypeLeadShare;
      const leadHours = intBetween(rng, ...HYPE_LEAD_HOURS);
      const intensity = uniform(rng, 3, 10);
      if (asset < 0) continue;
      const symbol = o.symbols[asset]!;
      this.lastPumpMs.set(symbol, pumpStartMs);
      const peakAtMs = pumpStartMs + Math.round(peakMinutes * 60_000);
      // events.csv times are bar open times: the peak is the bar that holds it, as the importer labels real pumps
      const peakMs = Math.floor(peakAtMs / o.barMs) * o.barMs;
      const event: PumpEvent = {
        id: this.pumps.length + 1,
        symbol,
        accumulationStartMs: pumpStartMs - accumulationHours * HOUR_MS,
        pumpStartMs,
        peakMs,
        endMs: Math.floor((peakAtMs + dumpHours * HOUR_MS) / o.barMs) * o.barMs,
        magnitude,
        dumpFraction,
        volumeMultiple,
        hypeStartMs: withHype ? pumpStartMs - leadHours * HOUR_MS : null,
        peakAtMs,
        accumulationLogGain,
      };
      this.pumps.push(event);
      if (withHype) {
        // the burst peaks with the price (the instant, so a burst that starts at the call still has a ramp)
        this.bursts.push({ symbol, startMs: event.hypeStartMs!, peakMs: peakAtMs, endMs: event.endMs + 6 * HOUR_MS, intensity, pumpId: event.id });
      }
    }
    const falseLeads = poisson(rng, o.falseHypePerMonth / DAYS_PER_MONTH);
    for (let i = 0; i < falseLeads; i++) {
      const startMs = this.startTime(dayStartMs);
      const asset = rng.int(o.symbols.length);
      const rampHours = intBetween(rng, 2, 12);
      const intensity = uniform(rng, 3, 10);
      const peakMs = startMs + rampHours * HOUR_MS;
      this.bursts.push({ symbol: o.symbols[asset]!, startMs, peakMs, endMs: peakMs + 6 * HOUR_MS, intensity, pumpId: null });
    }
  }
}
