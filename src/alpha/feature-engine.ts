import type { Bar, MarketInput, MarketSnapshot, TradeStats } from '../domain/market.js';
import { allFeatureNames, featureNames, FULL_INPUTS } from './features.js';
import { ArimaFilter, coefficientsOf } from './arima/arima-filter.js';
import { fitArima, type ArimaOrder } from './arima/fit-arima.js';

export interface FeatureEngineOptions {
  barMs: number;
  order: ArimaOrder;
  windowBars: number;
  refitEveryBars: number;
  /** Estimation at scheduled refits (the first fit of an asset always uses CSS then exact ML). */
  refitMethod: 'css' | 'css-ml';
  rollingSumBars: number[];
  sentimentChangeBars: number;
  /** Assets never featurised (the majors). */
  exclude: readonly string[];
  /** Optional inputs the features may use (default: sentiment and market caps, as the synthetic market has). */
  inputs?: ReadonlySet<MarketInput>;
  /**
   * Run only the wanted assets (update's `want`), logging the others' inputs until they are wanted; absent: every
   * asset every bar. `logs`: where the inputs wait (default in memory). For runs of known length: a log grows with
   * every bar of an asset never wanted.
   */
  lazy?: { logs?: BarLogFactory };
}

/** Feature rows by symbol, as the alpha step reads them (a Map, or a view of rows made elsewhere). */
export interface FeatureRows {
  has(symbol: string): boolean;
  get(symbol: string): number[] | undefined;
}

/**
 * Where the alpha step gets each clean snapshot's feature rows: a FeatureEngine, or one that ran elsewhere. `want`:
 * the symbols whose rows are needed this bar (the tradable universe); rows of others may be missing.
 */
export interface FeatureFeed {
  update(clean: MarketSnapshot, want?: readonly string[]): FeatureRows;
  /** After an update: run up to `max` assets not wanted yet through their logged bars (a lazy engine); how many are left. */
  catchUpLazy?(max: number): number;
}

export interface FitStats {
  fits: number;
  fallbacks: number;
}

const SERIES = 3; // log volume, log return, log(1 + mentions)
const Z_CLIP = 10;
/** Bars of history before the first fit of an asset's filters. */
const MIN_FIT_BARS = 72;

/** A fixed-length ring of recent values. */
class Ring {
  private readonly buf: Float64Array;
  private n = 0;
  private head = 0;
  constructor(readonly size: number) {
    this.buf = new Float64Array(size);
  }
  push(v: number): void {
    this.buf[this.head] = v;
    this.head = this.head === this.size - 1 ? 0 : this.head + 1;
    if (this.n < this.size) this.n++;
  }
  get length(): number {
    return this.n;
  }
  /** k-th most recent value (0 = last). */
  back(k: number): number {
    return this.buf[(this.head - 1 - k + 2 * this.size) % this.size]!;
  }
  /**
   * Into out[at + m] the sum of the ks[m] most recent values, adding the most recent first; one pass for all m, since
   * each sum is a prefix of the longest.
   */
  sumsLast(ks: readonly number[], out: Float64Array, at: number): void {
    let longest = 0;
    for (let m = 0; m < ks.length; m++) {
      if (ks[m]! > longest) longest = ks[m]!;
      if (ks[m] === 0) out[at + m] = 0;
    }
    let t = 0;
    let i = this.head === 0 ? this.size - 1 : this.head - 1;
    for (let j = 1; j <= longest; j++) {
      t += this.buf[i]!;
      i = i === 0 ? this.size - 1 : i - 1;
      for (let m = 0; m < ks.length; m++) if (ks[m] === j) out[at + m] = t;
    }
  }
  /** Oldest first. */
  toArray(): number[] {
    const out = new Array<number>(this.n);
    let k = this.n === this.size ? this.head : 0;
    for (let i = 0; i < this.n; i++) {
      out[i] = this.buf[k]!;
      k = k + 1 === this.size ? 0 : k + 1;
    }
    return out;
  }
}

/** Mean and standard deviation of the last `size` values, kept incrementally (a hot path: one per asset and bar). */
class RollingMoments {
  private readonly ring: Ring;
  private sum = 0;
  private sumSq = 0;
  constructor(size: number) {
    this.ring = new Ring(size);
  }
  get length(): number {
    return this.ring.length;
  }
  push(v: number): void {
    if (this.ring.length === this.ring.size) {
      const old = this.ring.back(this.ring.size - 1);
      this.sum -= old;
      this.sumSq -= old * old;
    }
    this.ring.push(v);
    this.sum += v;
    this.sumSq += v * v;
  }
  /** (v - mean) / sd of the values so far, clipped; 0 with too little history or no spread. */
  z(v: number): number {
    const n = this.ring.length;
    if (n < MIN_TRADE_HISTORY) return 0;
    const mean = this.sum / n;
    const variance = (this.sumSq - n * mean * mean) / (n - 1);
    if (!(variance > 1e-12)) return 0;
    return Math.max(-Z_CLIP, Math.min(Z_CLIP, (v - mean) / Math.sqrt(variance)));
  }
}

/** The trade features of a bar without trade columns: no trades, an even buy share, no surprise. */
const NO_TRADES = [0, 0.5, 0, 0, 0, 0];

/** Bars of trade history before the trade surprises count (they are 0 until then). */
const MIN_TRADE_HISTORY = 24;

/**
 * The inputs of a lazy asset's bars (see FeatureEngine.update), kept until it is caught up: cycle, log volume, log
 * return, log(1 + mentions), sentiment score, and the bar's trade statistics when it had them. The engine keeps them
 * in memory (MemoryBarLog); a back-test that logs most of its assets for months may keep them elsewhere (on disk).
 */
export interface BarLog {
  readonly length: number;
  push(cycle: number, v0: number, v1: number, v2: number, score: number, ts: TradeStats | undefined): void;
  /** Every logged bar to `fn`, oldest first; the log is then done with. */
  drain(fn: (cycle: number, v0: number, v1: number, v2: number, score: number, ts: TradeStats | undefined) => void): void;
}
export type BarLogFactory = () => BarLog;

/** Floats a logged bar takes: cycle, the three series' values, score, then (1 if it had trade statistics) trades, buy share, rush orders. */
export const BAR_LOG_FIELDS = 9;

/** Calls `fn` with the `count` bars stored from `at` in `a` (BAR_LOG_FIELDS floats each). */
export function replayLogged(a: Float64Array, at: number, count: number, fn: Parameters<BarLog['drain']>[0]): void {
  for (let i = 0, o = at; i < count; i++, o += BAR_LOG_FIELDS) {
    fn(a[o]!, a[o + 1]!, a[o + 2]!, a[o + 3]!, a[o + 4]!, a[o + 5] === 1 ? { trades: a[o + 6]!, buyShare: a[o + 7]!, rushOrders: a[o + 8]! } : undefined);
  }
}

/** Writes one bar into `a` at `o` (BAR_LOG_FIELDS floats). */
export function writeLogged(a: Float64Array, o: number, cycle: number, v0: number, v1: number, v2: number, score: number, ts: TradeStats | undefined): void {
  a[o] = cycle;
  a[o + 1] = v0;
  a[o + 2] = v1;
  a[o + 3] = v2;
  a[o + 4] = score;
  a[o + 5] = ts === undefined ? 0 : 1;
  a[o + 6] = ts?.trades ?? 0;
  a[o + 7] = ts?.buyShare ?? 0;
  a[o + 8] = ts?.rushOrders ?? 0;
}

/** A bar log in a typed array grown by doubling (outside the garbage-collected heap). */
export class MemoryBarLog implements BarLog {
  length = 0;
  private bars = new Float64Array(BAR_LOG_FIELDS * 64);

  push(cycle: number, v0: number, v1: number, v2: number, score: number, ts: TradeStats | undefined): void {
    if (BAR_LOG_FIELDS * (this.length + 1) > this.bars.length) {
      const grown = new Float64Array(this.bars.length * 2);
      grown.set(this.bars);
      this.bars = grown;
    }
    writeLogged(this.bars, BAR_LOG_FIELDS * this.length++, cycle, v0, v1, v2, score, ts);
  }

  drain(fn: Parameters<BarLog['drain']>[0]): void {
    replayLogged(this.bars, 0, this.length, fn);
    this.length = 0;
    this.bars = new Float64Array(0);
  }
}

interface AssetState {
  symbol: string;
  index: number;
  /** log(1 + trades), buy share, log(1 + rush orders) of the previous bars (bars built from trades); made with the first. */
  trades: RollingMoments[] | null;
  lastClose: number | null;
  raw: Ring[];
  filters: (ArimaFilter | null)[];
  z: Ring[];
  sentiment: Ring;
  barsSinceFit: number;
  // this update's values, read by the second pass over the warm assets (kept here: no per-bar maps or arrays)
  zNow: Float64Array;
  retNow: number;
  /** The trade features of this update (values, then their surprises), valid when tradesAt is the update's count. */
  tradesNow: Float64Array;
  tradesAt: number;
  barNow: Bar | null;
  /** Bars fed so far. */
  bars: number;
  /** Not null while the asset is lazy: its bars' inputs, waiting to be run through its filters. */
  pending: BarLog | null;
}

/**
 * Turns each clean snapshot into feature rows per micro-cap. Per asset and series it keeps the last `windowBars`
 * values, fits ARIMA on them (first after 72 bars, then every `refitEveryBars`, staggered across assets) and between
 * refits updates the surprise incrementally. Pure in the sense that matters: its output depends only on the sequence
 * of snapshots fed in (no clock, no randomness), so replaying the same bars rebuilds the same state.
 */
export class FeatureEngine implements FeatureFeed {
  /** Per symbol its state, or null for an excluded one (one lookup a bar for both questions). */
  private readonly assets = new Map<string, AssetState | null>();
  /** Assets scored so far, for state indices (excluded ones get none). */
  private tracked = 0;
  /** Updates so far: marks which assets had trade statistics in the current one. */
  private updates = 0;
  /** The assets warm in the current update, in snapshot order (reused). */
  private readonly warm: AssetState[] = [];
  /** Scratch for one full feature row. */
  private readonly full: Float64Array;
  readonly stats: FitStats = { fits: 0, fallbacks: 0 };
  private readonly maxSum: number;
  /** Scratch for the rolling sums of one asset: series x window. */
  private readonly sums: Float64Array;
  private readonly excluded: ReadonlySet<string>;
  /** Length of the full feature vector (before `keep`). */
  private readonly fullLength: number;

  /** Positions of the kept features in the full vector (null: all of them). */
  private readonly keep: number[] | null;

  private readonly newLog: BarLogFactory;

  constructor(private readonly o: FeatureEngineOptions) {
    this.newLog = o.lazy?.logs ?? (() => new MemoryBarLog());
    this.maxSum = Math.max(...o.rollingSumBars);
    this.sums = new Float64Array(SERIES * o.rollingSumBars.length);
    this.excluded = new Set(o.exclude);
    const all = allFeatureNames(o.rollingSumBars);
    this.fullLength = all.length;
    const kept = new Set(featureNames(o.rollingSumBars, o.inputs ?? FULL_INPUTS));
    this.keep = kept.size === all.length ? null : all.flatMap((f, i) => (kept.has(f) ? [i] : []));
    this.full = new Float64Array(this.fullLength);
  }

  /** `lazy`: a new asset starts lazy (its inputs logged until its rows are wanted). */
  private stateOf(symbol: string, lazy: boolean): AssetState | null {
    let s = this.assets.get(symbol);
    if (s === undefined) {
      s = this.excluded.has(symbol)
        ? null
        : {
            symbol,
            index: this.tracked++,
            lastClose: null,
            raw: Array.from({ length: SERIES }, () => new Ring(this.o.windowBars)),
            filters: [null, null, null],
            z: Array.from({ length: SERIES }, () => new Ring(this.maxSum)),
            sentiment: new Ring(this.o.sentimentChangeBars + 1),
            trades: null,
            barsSinceFit: 0,
            zNow: new Float64Array(SERIES),
            retNow: 0,
            tradesNow: new Float64Array(6),
            tradesAt: -1,
            barNow: null,
            bars: 0,
            pending: lazy ? this.newLog() : null,
          };
      this.assets.set(symbol, s);
    }
    return s;
  }

  private refit(s: AssetState): void {
    for (let k = 0; k < SERIES; k++) {
      const window = s.raw[k]!.toArray();
      const prev = s.filters[k]?.coef;
      const fit = fitArima(window, this.o.order, prev === undefined ? {} : { start: prev, method: this.o.refitMethod });
      this.stats.fits++;
      if (fit.method === 'ar1-fallback' || fit.method === 'mean-fallback') this.stats.fallbacks++;
      // the new filter starts where a pass over its window ends (a mean fallback fits a cleaned copy: replay that one)
      let f: ArimaFilter;
      if (fit.method === 'mean-fallback') {
        f = new ArimaFilter(coefficientsOf(fit));
        for (const x of window) f.update(x);
      } else f = new ArimaFilter(coefficientsOf(fit), fit.filterState);
      s.filters[k] = f;
    }
    s.barsSinceFit = 0;
  }

  /**
   * One bar of one asset through its filters, rings and refit schedule: the surprises in s.zNow, its trade features
   * (when `ts`) in s.tradesNow marked with `now`. True when the asset is warm (its filters answer and its rolling
   * sums are full): it then has a feature row this bar.
   */
  private advance(s: AssetState, cycle: number, v0: number, v1: number, v2: number, score: number, ts: TradeStats | undefined, now: number): boolean {
    const z = s.zNow;
    let warm = true;
    for (let k = 0; k < SERIES; k++) {
      const v = k === 0 ? v0 : k === 1 ? v1 : v2;
      const f = s.filters[k];
      const surprise = f == null ? null : f.update(v);
      s.raw[k]!.push(v);
      if (surprise === null) warm = false;
      else z[k] = Math.max(-Z_CLIP, Math.min(Z_CLIP, surprise));
    }
    s.sentiment.push(score);
    if (ts !== undefined) {
      // each value against the bars before it, then added to them
      const trades = (s.trades ??= [0, 1, 2].map(() => new RollingMoments(this.o.windowBars)));
      const row = s.tradesNow;
      row[0] = Math.log1p(ts.trades);
      row[1] = ts.trades > 0 ? ts.buyShare : 0.5;
      row[2] = Math.log1p(ts.rushOrders);
      for (let k = 0; k < 3; k++) row[3 + k] = trades[k]!.z(row[k]!);
      for (let k = 0; k < 3; k++) trades[k]!.push(row[k]!);
      s.tradesAt = now;
    }
    s.barsSinceFit++;
    const due =
      s.raw[0]!.length >= MIN_FIT_BARS &&
      (s.filters[0] === null || (s.barsSinceFit >= this.o.refitEveryBars && (cycle + s.index) % this.o.refitEveryBars === 0));
    if (due) this.refit(s);
    if (!warm) return false;
    for (let k = 0; k < SERIES; k++) s.z[k]!.push(z[k]!);
    return s.z[0]!.length >= this.maxSum;
  }

  /**
   * Whether an asset `bars` bars after its first is warm, without running its filters: the first fit comes at its
   * MIN_FIT_BARS-th bar (when the window holds that many), every filter answers from the next bar on, and the rolling
   * sums are full `maxSum` bars later. A caught-up asset checks its filters against it.
   */
  private warmAfter(bars: number): boolean {
    return this.o.windowBars >= MIN_FIT_BARS && bars >= MIN_FIT_BARS + this.maxSum;
  }

  /**
   * After an update, up to `max` lazy assets (in the order first seen) through their logged bars: a daemon's engine
   * starts lazy so that its first cycle runs only the tradable assets' filters over the warm-up (start-up time), and
   * catches up the others a few a cycle, so their logs stop growing and a later universe change costs nothing. Rows are
   * the same whenever an asset is caught up. Returns how many are still lazy.
   */
  catchUpLazy(max: number): number {
    let done = 0;
    let left = 0;
    for (const s of this.assets.values()) {
      if (s === null || s.pending === null) continue;
      if (done < max) {
        this.catchUp(s, this.updates - 1);
        done++;
      } else left++;
    }
    return left;
  }

  /** A lazy asset's logged bars through its filters, in order; from now on it is run every bar. */
  private catchUp(s: AssetState, now: number): boolean {
    const log = s.pending!;
    s.pending = null;
    let left = log.length;
    let warm = false;
    log.drain((cycle, v0, v1, v2, score, ts) => {
      warm = this.advance(s, cycle, v0, v1, v2, score, ts, --left === 0 ? now : -1);
    });
    if (warm !== this.warmAfter(s.bars)) throw new Error(`feature engine: ${s.symbol} caught up ${warm ? 'warm' : 'not warm'} after ${s.bars} bars, where the warm-up rule says the opposite`);
    return warm;
  }

  /**
   * Features of every micro-cap with a bar in `snap` whose filters are warm; updates all state.
   *
   * `want`: the symbols whose rows are needed (the tradable universe). Without it, or without the `lazy` option, every
   * asset is run through its filters every bar. With both, an asset first seen then is lazy: its bars' inputs are only
   * logged (and its return counted in the cross-sectional mean once the warm-up rule says it would be warm) until it
   * is wanted; it is then caught up on its log, the very steps it would have taken, and run every bar from then on. Rows come for assets
   * that are run (wanted now or before), identical to those of an engine without `want`. A back-test's universe is a
   * third of its assets, and the filters' refits are most of the engine's work (issue 16).
   */
  update(snap: MarketSnapshot, want?: readonly string[]): Map<string, number[]> {
    const now = this.updates++;
    const warmList = this.warm;
    warmList.length = 0;
    // an engine without lazy settings runs every asset every bar, whatever is wanted (a daemon's memory stays flat)
    const wanted = want === undefined || this.o.lazy === undefined ? null : new Set(want);
    // a hot path (every micro-cap, every bar, and the warm-up replay): plain loops, no closures, maps or arrays per value
    for (const symbol in snap.bars) {
      const s = this.stateOf(symbol, wanted !== null);
      if (s === null) continue;
      const bar = snap.bars[symbol]!;
      const ret = s.lastClose === null ? 0 : Math.log(bar.close / s.lastClose);
      s.lastClose = bar.close;
      const sentiment = snap.sentiment[symbol];
      const v0 = Math.log(Math.max(bar.volumeUsd, 1e-9));
      const v2 = Math.log1p(Math.max(0, sentiment?.mentions ?? 0));
      const score = sentiment?.score ?? 0;
      const ts = snap.tradeStats?.[symbol];
      s.bars++;
      let warm: boolean;
      if (s.pending === null) warm = this.advance(s, snap.cycle, v0, ret, v2, score, ts, now);
      else {
        s.pending.push(snap.cycle, v0, ret, v2, score, ts);
        warm = wanted === null || wanted.has(symbol) ? this.catchUp(s, now) : this.warmAfter(s.bars);
      }
      if (!warm) continue;
      s.retNow = ret;
      s.barNow = bar;
      warmList.push(s);
    }
    let retSum = 0;
    for (let i = 0; i < warmList.length; i++) retSum += warmList[i]!.retNow;
    const meanRet = warmList.length === 0 ? 0 : retSum / warmList.length;
    const hour = new Date(snap.closeMs).getUTCHours();
    const weekday = new Date(snap.closeMs).getUTCDay();
    const calendar = [Math.sin((2 * Math.PI * hour) / 24), Math.cos((2 * Math.PI * hour) / 24), Math.sin((2 * Math.PI * weekday) / 7), Math.cos((2 * Math.PI * weekday) / 7)];
    const out = new Map<string, number[]>();
    const full = this.full;
    const nb = this.o.rollingSumBars.length;
    for (let i = 0; i < warmList.length; i++) {
      const s = warmList[i]!;
      if (s.pending !== null) continue; // lazy: in the mean return only
      const bar = s.barNow!;
      const liq = snap.liquidity[s.symbol]!;
      const sent = s.sentiment;
      let c = 0;
      for (let k = 0; k < SERIES; k++) full[c++] = s.zNow[k]!;
      for (let k = 0; k < SERIES; k++) s.z[k]!.sumsLast(this.o.rollingSumBars, this.sums, k * nb);
      for (let b = 0; b < nb; b++) for (let k = 0; k < SERIES; k++) full[c++] = this.sums[k * nb + b]!;
      full[c++] = sent.back(0);
      full[c++] = sent.length > this.o.sentimentChangeBars ? sent.back(0) - sent.back(this.o.sentimentChangeBars) : 0;
      full[c++] = s.retNow - meanRet;
      full[c++] = Math.log(Math.max(liq.spreadBps, 1e-6));
      full[c++] = Math.log(Math.max((bar.volumeUsd * 86_400_000) / this.o.barMs, 1e-9) / Math.max(liq.advUsd, 1e-9));
      full[c++] = Math.log(Math.max(liq.marketCapUsd ?? 1, 1));
      for (let k = 0; k < 4; k++) full[c++] = calendar[k]!;
      if (s.tradesAt === now) for (let k = 0; k < 6; k++) full[c++] = s.tradesNow[k]!;
      else for (let k = 0; k < 6; k++) full[c++] = NO_TRADES[k]!;
      const row: number[] = [];
      if (this.keep === null) for (let j = 0; j < this.fullLength; j++) row.push(full[j]!);
      else for (let j = 0; j < this.keep.length; j++) row.push(full[this.keep[j]!]!);
      out.set(s.symbol, row);
      s.barNow = null;
    }
    return out;
  }
}
