import type { MarketSnapshot } from '../data_ingest/market-data-source.js';

/**
 * The last `capacity` bars of log returns per asset, aligned by cycle: a bar the gate rejected (or an asset not yet
 * listed) is NaN, so correlations can use pairwise overlap. Fed with every clean snapshot; rebuilt on restart by
 * replaying the bars, like the feature engine.
 */
export class ReturnHistory {
  private readonly series = new Map<string, Float64Array>();
  private readonly lastClose = new Map<string, number>();
  /** Update count at which each asset's last close was recorded. */
  private readonly lastSeen = new Map<string, number>();
  private updates = 0;
  private head = 0;
  private filled = 0;
  /** One window, copied out of its ring (averageCorrelation). */
  private scratch = new Float64Array(0);

  constructor(readonly capacity: number) {}

  update(snap: MarketSnapshot): void {
    const slot = this.head;
    for (const arr of this.series.values()) arr[slot] = Number.NaN;
    for (const symbol in snap.bars) {
      const bar = snap.bars[symbol]!;
      let arr = this.series.get(symbol);
      if (arr === undefined) {
        arr = new Float64Array(this.capacity).fill(Number.NaN);
        this.series.set(symbol, arr);
      }
      const prev = this.lastClose.get(symbol);
      // only a one-bar return: after a missing or rejected bar the return would span several bars (an outlier)
      arr[slot] = prev === undefined || this.lastSeen.get(symbol) !== this.updates - 1 ? Number.NaN : Math.log(bar.close / prev);
      this.lastClose.set(symbol, bar.close);
      this.lastSeen.set(symbol, this.updates);
    }
    this.updates++;
    this.head = (this.head + 1) % this.capacity;
    this.filled = Math.min(this.capacity, this.filled + 1);
  }

  /** The last `bars` returns of `symbol`, oldest first, ending `offset` bars ago (NaN where missing). */
  window(symbol: string, bars: number, offset = 0): number[] {
    const arr = this.series.get(symbol);
    const n = Math.min(bars, this.filled - offset);
    if (arr === undefined || n <= 0) return [];
    const out = new Array<number>(n);
    for (let k = 0; k < n; k++) out[n - 1 - k] = arr[(this.head - 1 - offset - k + 2 * this.capacity) % this.capacity]!;
    return out;
  }

  /**
   * averageCorrelation(symbols.map((s) => this.window(s, bars))) without the copies: read in place from the rings,
   * with the same operations in the same order, so the same number to the last bit (the guardrails ask every cycle).
   */
  averageCorrelation(symbols: readonly string[], bars: number): number {
    const first = symbols.length === 0 ? undefined : this.series.get(symbols[0]!);
    const have = Math.min(bars, this.filled);
    const len = first === undefined || have <= 0 ? 0 : have;
    const sum = new Float64Array(len);
    const cap = this.capacity;
    // slot of the oldest value in the window, then forward
    const start = (this.head - len + 2 * cap) % cap;
    let n = 0;
    // each window copied out of its ring first (two block copies): the three passes then run without wrap-around
    if (this.scratch.length < len) this.scratch = new Float64Array(cap);
    const w = this.scratch;
    const firstPart = Math.min(len, cap - start);
    for (const symbol of symbols) {
      const arr = this.series.get(symbol);
      if (arr === undefined || len < 2) continue;
      w.set(arr.subarray(start, start + firstPart));
      if (firstPart < len) w.set(arr.subarray(0, len - firstPart), firstPart);
      let total = 0;
      let finite = true;
      for (let t = 0; t < len; t++) {
        const v = w[t]!;
        if (!Number.isFinite(v)) {
          finite = false;
          break;
        }
        total += v;
      }
      if (!finite) continue;
      const mean = total / len;
      let ss = 0;
      for (let t = 0; t < len; t++) ss += (w[t]! - mean) ** 2;
      if (!(ss > 0)) continue;
      const norm = Math.sqrt(ss);
      for (let t = 0; t < len; t++) sum[t]! += (w[t]! - mean) / norm;
      n++;
    }
    if (n < 2) return Number.NaN;
    let sq = 0;
    for (let t = 0; t < len; t++) sq += sum[t]! * sum[t]!;
    return (sq - n) / (n * (n - 1));
  }

  /** Snapshots fed so far: with an offset, names a window's last bar (windows ending at the same bar are equal). */
  get updateCount(): number {
    return this.updates;
  }

  symbols(): string[] {
    return [...this.series.keys()];
  }
}
