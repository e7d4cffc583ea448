import type { Bar, MarketSnapshot } from './market-data-source.js';

/** What the gate remembers about an asset between cycles (kept in state.json so a restart decides the same). */
export interface AssetMemory {
  firstSeenMs: number;
  /** Open time of the last bar seen in order (accepted, or rejected as a jump). */
  lastOpenMs: number;
  /** Close of the last accepted bar: the reference of the jump check. */
  lastClose: number;
  /** Consecutive bars rejected as jumps: after `maxStaleBars` of them the new level is accepted as real. */
  jumpStreak: number;
}

export interface QualityRules {
  barMs: number;
  maxStaleBars: number;
  maxGapBars: number;
  maxAbsLogReturn: number;
}

export interface Rejection {
  symbol: string;
  reason: string;
}

export interface GateResult {
  /** The snapshot with only the assets whose bar passed. */
  clean: MarketSnapshot;
  rejected: Rejection[];
  memory: Record<string, AssetMemory>;
}

const FIELDS = ['open', 'high', 'low', 'close', 'volumeBase', 'volumeUsd'] as const;

function barProblem(bar: Bar): string | null {
  for (const f of FIELDS) if (!Number.isFinite(bar[f])) return `non-finite ${f} (${String(bar[f])})`;
  if (bar.open <= 0 || bar.high <= 0 || bar.low <= 0 || bar.close <= 0) return 'non-positive price';
  if (bar.volumeBase < 0 || bar.volumeUsd < 0) return 'negative volume';
  if (bar.high < Math.max(bar.open, bar.close) || bar.low > Math.min(bar.open, bar.close)) {
    return `inconsistent bar (high ${bar.high} low ${bar.low} open ${bar.open} close ${bar.close})`;
  }
  return null;
}

/** True when `record`'s keys are exactly `keys`, in that order. */
function sameKeys(record: object, keys: readonly string[]): boolean {
  let i = 0;
  for (const k in record) if (keys[i++] !== k) return false;
  return i === keys.length;
}

/** The entries of `record` for `keys`, in their order. */
function pick<T>(record: Readonly<Record<string, T>>, keys: readonly string[]): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of keys) out[k] = record[k]!;
  return out;
}

/**
 * The data-quality gate every bar passes before any model sees it. Pure: takes the raw snapshot and the gate's
 * memory, returns the clean snapshot, the rejections with their reasons, and a new memory object (entries are
 * replaced, never mutated, so callers may share them). A rejected asset is skipped for the cycle; nothing here
 * throws on bad data.
 */
export function qualityGate(raw: MarketSnapshot, memory: Readonly<Record<string, AssetMemory>>, rules: QualityRules): GateResult {
  const expectedOpenMs = raw.cycle * rules.barMs;
  const { tradeStats: _t, ...rest } = raw;
  const clean: MarketSnapshot = { ...rest, bars: {}, liquidity: {}, sentiment: {}, realizedVol: {} };
  const rejected: Rejection[] = [];
  const next: Record<string, AssetMemory> = {};
  const reject = (symbol: string, reason: string) => rejected.push({ symbol, reason });

  // Source order is deterministic; no sort needed on this hot path. Accepted bars are listed first and their records
  // built after the loop, in the same order: where every bar passed, a record equal to the source's is the source's.
  const accepted: string[] = [];
  let barCount = 0;
  let validVol = 0;
  for (const symbol in raw.bars) {
    barCount++;
    const bar = raw.bars[symbol]!;
    const prev = memory[symbol];
    const problem = barProblem(bar);
    if (problem !== null) {
      reject(symbol, problem);
      continue;
    }
    if (bar.openMs % rules.barMs !== 0) {
      reject(symbol, `bar open ${bar.openMs} is not on a bar boundary`);
      continue;
    }
    if (prev !== undefined && bar.openMs === prev.lastOpenMs) {
      reject(symbol, 'duplicated bar (same open time as the last accepted bar)');
      continue;
    }
    if (prev !== undefined && bar.openMs < prev.lastOpenMs) {
      reject(symbol, `out-of-order bar (opens before the last accepted bar by ${(prev.lastOpenMs - bar.openMs) / rules.barMs} bars)`);
      continue;
    }
    if (bar.openMs > expectedOpenMs) {
      reject(symbol, `bar from the future (opens ${(bar.openMs - expectedOpenMs) / rules.barMs} bars after this cycle)`);
      continue;
    }
    if (bar.openMs < expectedOpenMs) {
      reject(symbol, `stale bar (${(expectedOpenMs - bar.openMs) / rules.barMs} bars old)`);
      continue;
    }
    const liq = raw.liquidity[symbol];
    // a null market cap is a source without caps; NaN is a cap that failed to arrive
    if (liq === undefined || !Number.isFinite(liq.advUsd) || liq.advUsd <= 0 || (liq.marketCapUsd !== null && !Number.isFinite(liq.marketCapUsd)) || !Number.isFinite(liq.spreadBps)) {
      reject(symbol, `missing or invalid liquidity (ADV ${liq?.advUsd ?? 'none'})`);
      continue;
    }
    const gapBars = prev === undefined ? 0 : (bar.openMs - prev.lastOpenMs) / rules.barMs - 1;
    const base = { firstSeenMs: prev?.firstSeenMs ?? bar.openMs, lastOpenMs: bar.openMs, lastClose: bar.close, jumpStreak: 0 };
    if (gapBars > rules.maxGapBars) {
      // History restarts here: the bar anchors the next checks but is not used this cycle.
      next[symbol] = base;
      reject(symbol, `gap of ${gapBars} bars exceeds market.quality.max_gap_bars ${rules.maxGapBars}`);
      continue;
    }
    if (prev !== undefined) {
      // Against the last accepted close, also across short gaps. A rejected bar moves lastOpenMs on (so the next
      // bar is not a gap) but not the reference close; a level that persists for max_stale_bars bars is accepted.
      const jump = Math.abs(Math.log(bar.close / prev.lastClose));
      if (jump > rules.maxAbsLogReturn && prev.jumpStreak + 1 < rules.maxStaleBars) {
        next[symbol] = { ...prev, lastOpenMs: bar.openMs, jumpStreak: prev.jumpStreak + 1 };
        reject(symbol, `jump |log return| ${jump.toFixed(3)} exceeds market.quality.max_abs_log_return ${rules.maxAbsLogReturn}`);
        continue;
      }
    }
    next[symbol] = base;
    accepted.push(symbol);
    // optional inputs pass when valid and are left out otherwise (never filled in: the features read absent as none)
    const sent = raw.sentiment[symbol];
    if (sent !== undefined && Number.isFinite(sent.mentions) && sent.mentions >= 0 && Number.isFinite(sent.score)) {
      clean.sentiment[symbol] = { mentions: sent.mentions, score: Math.max(-1, Math.min(1, sent.score)) };
    }
    const ts = raw.tradeStats?.[symbol];
    if (ts !== undefined && Number.isInteger(ts.trades) && ts.trades >= 0 && ts.buyShare >= 0 && ts.buyShare <= 1 && Number.isInteger(ts.rushOrders) && ts.rushOrders >= 0) {
      (clean.tradeStats ??= {})[symbol] = ts;
    }
    const rv = raw.realizedVol[symbol];
    if (rv !== undefined && Number.isFinite(rv) && rv >= 0) validVol++;
  }
  clean.bars = accepted.length === barCount ? raw.bars : pick(raw.bars, accepted);
  clean.liquidity = sameKeys(raw.liquidity, accepted) ? raw.liquidity : pick(raw.liquidity, accepted);
  if (validVol === accepted.length && sameKeys(raw.realizedVol, accepted)) clean.realizedVol = raw.realizedVol;
  else {
    for (const symbol of accepted) {
      const rv = raw.realizedVol[symbol];
      if (rv !== undefined && Number.isFinite(rv) && rv >= 0) clean.realizedVol[symbol] = rv;
    }
  }
  for (const symbol in memory) {
    if (!(symbol in next)) next[symbol] = memory[symbol]!;
    if (!(symbol in raw.bars)) {
      const staleBars = (expectedOpenMs - memory[symbol]!.lastOpenMs) / rules.barMs;
      if (staleBars <= rules.maxStaleBars) reject(symbol, 'no bar this cycle');
    }
  }
  return { clean, rejected, memory: next };
}
