import type { PairReport } from '../recorded/market-files.js';
import type { Candle } from './candle.js';

/** How a listing-day print and a redenomination are told from real moves (documented in the README). */
export const CLEANING_RULES = {
  /** A bar of a pair's first day whose high is more than this multiple of its low: a listing print. */
  listingRangeMultiple: 10,
  /** Only the first day of a pair can hold listing prints. */
  listingWindowMs: 86_400_000,
  /** A break of at least this long, after which the median price of a day is this far from the day before: a token swap. */
  redenominationGapMs: 6 * 3_600_000,
  /** Longer breaks are missing data (two files months apart), where a move of any size is no evidence of a swap. */
  redenominationMaxGapMs: 14 * 86_400_000,
  redenominationMultiple: 20,
} as const;

export interface CleanPair {
  candles: Candle[];
  report: Omit<PairReport, 'files' | 'tradeRows' | 'overlappingTradeRows'> & { misaligned: number };
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? Number.NaN : s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/**
 * A swap's ratio: the nearest power of ten when the measured one is within a factor of 2 of it (a 1000:1 swap whose
 * price also moved while trading was stopped: COCOS measures 1440), else the measured ratio.
 */
function niceFactor(r: number): number {
  const p = 10 ** Math.round(Math.log10(r));
  return r / p <= 2 && p / r <= 2 ? p : r;
}

/**
 * One pair's candles made fit to replay, and what was done, for the pair's report. Pure. Rows are put in time order
 * (counted), rows whose open time is off the bar grid are dropped (counted), repeated open times keep the first row
 * (identical repeats and conflicting ones counted apart), listing-day prints at the start are dropped (listed), a
 * token swap rescales the bars before it by its factor (listed: prices x factor, base volume / factor, quote volume
 * unchanged, so value is continuous), gaps are left as gaps (counted) and zero-volume bars are kept (counted): the
 * quality gate sees both.
 */
export function cleanPair(raw: readonly Candle[], barMs: number): CleanPair {
  let outOfOrder = 0;
  for (let i = 1; i < raw.length; i++) if (raw[i]!.openMs < raw[i - 1]!.openMs) outOfOrder++;
  const aligned = raw.filter((c) => c.openMs % barMs === 0);
  const misaligned = raw.length - aligned.length;
  const sorted = aligned.map((c, i) => ({ c, i })).sort((a, b) => a.c.openMs - b.c.openMs || a.i - b.i).map((x) => x.c);
  const unique: Candle[] = [];
  let duplicates = 0;
  let conflicting = 0;
  for (const c of sorted) {
    const last = unique.at(-1);
    if (last !== undefined && last.openMs === c.openMs) {
      duplicates++;
      if (last.open !== c.open || last.high !== c.high || last.low !== c.low || last.close !== c.close || last.volumeBase !== c.volumeBase) conflicting++;
      continue;
    }
    unique.push(c);
  }
  // listing prints: bars of the first day spanning more than LISTING_RANGE from low to high (a listing's first trades
  // print at the exchange's placeholder price and at wild bids; no ordinary bar moves like that)
  const listingPrints: CleanPair['report']['listingPrints'] = [];
  if (unique.length > 0) {
    const start = unique[0]!.openMs;
    for (let i = 0; i < unique.length && unique[i]!.openMs < start + CLEANING_RULES.listingWindowMs; ) {
      const c = unique[i]!;
      if (c.high / c.low > CLEANING_RULES.listingRangeMultiple) {
        listingPrints.push({ openMs: c.openMs, high: c.high, low: c.low });
        unique.splice(i, 1);
      } else i++;
    }
  }
  // token swaps, latest first so each factor applies to everything before it
  const redenominations: CleanPair['report']['redenominations'] = [];
  for (let i = unique.length - 1; i >= 1; i--) {
    const gapMs = unique[i]!.openMs - unique[i - 1]!.openMs;
    if (gapMs < CLEANING_RULES.redenominationGapMs || gapMs > CLEANING_RULES.redenominationMaxGapMs) continue;
    const before = unique.filter((c, k) => k < i && c.openMs >= unique[i - 1]!.openMs - 86_400_000).map((c) => c.close);
    const after = unique.filter((c, k) => k >= i && c.openMs < unique[i]!.openMs + 86_400_000).map((c) => c.close);
    const ratio = median(after) / median(before);
    if (!(ratio >= CLEANING_RULES.redenominationMultiple || ratio <= 1 / CLEANING_RULES.redenominationMultiple)) continue;
    const factor = niceFactor(ratio);
    for (let k = 0; k < i; k++) {
      const c = unique[k]!;
      unique[k] = { ...c, open: c.open * factor, high: c.high * factor, low: c.low * factor, close: c.close * factor, volumeBase: c.volumeBase / factor };
    }
    redenominations.unshift({ atMs: unique[i]!.openMs, factor });
  }
  let gaps = 0;
  let gapBars = 0;
  for (let i = 1; i < unique.length; i++) {
    const missing = (unique[i]!.openMs - unique[i - 1]!.openMs) / barMs - 1;
    if (missing > 0) {
      gaps++;
      gapBars += missing;
    }
  }
  return {
    candles: unique,
    report: {
      bars: unique.length,
      firstOpenMs: unique[0]?.openMs ?? 0,
      lastOpenMs: unique.at(-1)?.openMs ?? 0,
      gaps,
      gapBars,
      duplicates,
      conflictingDuplicates: conflicting,
      outOfOrder,
      misaligned,
      zeroVolumeBars: unique.filter((c) => c.volumeBase === 0).length,
      listingPrints,
      redenominations,
    },
  };
}

/**
 * Candles of a finer timeframe aggregated to `barMs` (open of the first, highest high, lowest low, close of the
 * last, volumes summed), from the sub-bars present; input sorted by time. Pure.
 */
export function resample(candles: readonly Candle[], barMs: number): Candle[] {
  const out: Candle[] = [];
  for (const c of candles) {
    const openMs = Math.floor(c.openMs / barMs) * barMs;
    const last = out.at(-1);
    if (last !== undefined && last.openMs === openMs) {
      last.high = Math.max(last.high, c.high);
      last.low = Math.min(last.low, c.low);
      last.close = c.close;
      last.volumeBase += c.volumeBase;
      last.volumeQuote += c.volumeQuote;
    } else out.push({ openMs, open: c.open, high: c.high, low: c.low, close: c.close, volumeBase: c.volumeBase, volumeQuote: c.volumeQuote });
  }
  return out;
}
