import type { Bar, MarketInput, MarketSnapshot } from '../domain/market.js';
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
}

/** Feature rows by symbol, as the alpha step reads them (a Map, or a view of rows made elsewhere). */
export interface FeatureRows {
  has(symbol: string): boolean;
  get(symbol: string): number[] | undefined;
}

/** Where the alpha step gets each clean snapshot's feature rows: a FeatureEngine, or one that ran elsewhere. */
export interface FeatureFeed {
  update(clean: MarketSnapshot): FeatureRows;
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
}

/** * Turns each clean snapshot into feature rows per micro-cap. Per asset and series it keeps the last `windowBars`
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

  constructor(private readonly o: FeatureEngineOptions) {
    this.maxSum = Math.max(...o.rollingSumBars);
    this.sums = new Float64Array(SERIES * o.rollingSumBars.length);
    this.excluded = new Set(o.exclude);
    const all = allFeatureNames(o.rollingSumBars);
    this.fullLength = all.length;
    const kept = new Set(featureNames(o.rollingSumBars, o.inputs ?? FULL_INPUTS));
    this.keep = kept.size === all.length ? null : all.flatMap((f, i) => (kept.has(f) ? [i] : []));
    this.full = new Float64Array(this.fullLength);
  }

  private stateOf(symbol: string): AssetState | null {
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

  /** Features of every micro-cap with a bar in `snap` whose filters are warm; updates all state. */
  update(snap: MarketSnapshot): Map<string, number[]> {
    const now = this.updates++;
    const warmList = this.warm;
    warmList.length = 0;
    // a hot path (every micro-cap, every bar, and the warm-up replay): plain loops, no closures, maps or arrays per value
    for (const symbol in snap.bars) {
      const s = this.stateOf(symbol);
      if (s === null) continue;
      const bar = snap.bars[symbol]!;
      const ret = s.lastClose === null ? 0 : Math.log(bar.close / s.lastClose);
      s.lastClose = bar.close;
      const sentiment = snap.sentiment[symbol];
      const mentions = sentiment?.mentions ?? 0;
      const z = s.zNow;
      let warm = true;
      for (let k = 0; k < SERIES; k++) {
        const v = k === 0 ? Math.log(Math.max(bar.volumeUsd, 1e-9)) : k === 1 ? ret : Math.log1p(Math.max(0, mentions));
        const f = s.filters[k];
        const surprise = f == null ? null : f.update(v);
        s.raw[k]!.push(v);
        if (surprise === null) warm = false;
        else z[k] = Math.max(-Z_CLIP, Math.min(Z_CLIP, surprise));
      }
      s.sentiment.push(sentiment?.score ?? 0);
      const ts = snap.tradeStats?.[symbol];
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
        (s.filters[0] === null || (s.barsSinceFit >= this.o.refitEveryBars && (snap.cycle + s.index) % this.o.refitEveryBars === 0));
      if (due) this.refit(s);
      if (!warm) continue;
      for (let k = 0; k < SERIES; k++) s.z[k]!.push(z[k]!);
      if (s.z[0]!.length < this.maxSum) continue;
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
