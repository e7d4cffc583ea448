import type { AssetMemory } from '../data_ingest/quality-gate.js';
import type { MarketSnapshot } from '../data_ingest/market-data-source.js';
import { DAY_MS } from '../utils/time.js';

export interface UniverseRules {
  majors: readonly string[];
  maxAssets: number;
  minMarketCapUsd: number;
  maxMarketCapUsd: number;
  minAdvUsd: number;
  maxSpreadBps: number;
  minHistoryDays: number;
  exclude: readonly string[];
}

export interface Universe {
  /** Micro-caps the core may trade this cycle, largest ADV first. */
  tradable: string[];
  /** Majors present this cycle: reference assets (market factor, options underlyings), never traded by the core. */
  reference: string[];
  /** Why each left-out asset is out: the rule (the config key, or the kind of token) and the numbers. */
  excluded: { symbol: string; rule: string; reason: string }[];
}

/** Tickers that are dollars or euros in disguise. */
export const STABLECOINS = new Set([
  'USDT', 'USDC', 'BUSD', 'DAI', 'TUSD', 'USDP', 'PAX', 'FDUSD', 'USDD', 'PYUSD', 'USDE', 'FRAX', 'LUSD', 'GUSD',
  'SUSD', 'CUSD', 'USDJ', 'UST', 'USTC', 'EURS', 'EURT', 'EURC', 'AEUR', 'XSGD', 'RLUSD', 'USD1', 'USDS', 'USD0',
  'BFUSD', 'EURI', 'USDX', 'USDB', 'DOLA', 'GHO', 'CRVUSD', 'MIM',
]);
/** Wrapped or staked claims on another asset: they move with the underlying, not as micro-caps. */
export const WRAPPED = new Set(['WBTC', 'WETH', 'WBNB', 'WBETH', 'STETH', 'WSTETH', 'CBETH', 'RETH', 'BETH', 'WEETH', 'CBBTC', 'BTCB', 'TBTC', 'RENBTC', 'HBTC']);
/**
 * Leveraged tokens: an exchange's UP/DOWN/BULL/BEAR tokens on large coins (BTCUP, ETHDOWN, XRPBULL) and the
 * 3L/5S style (BTC3L, ETH5S). The UP/DOWN family is matched on known bases only, so SYRUP or SETUP are not caught.
 */
const LEVERAGED_BASES = 'BTC|ETH|BNB|XRP|ADA|DOT|LINK|LTC|EOS|TRX|XLM|BCH|XTZ|FIL|SXP|UNI|YFI|AAVE|SUSHI|1INCH|DOGE|SOL|AVAX|MATIC|ATOM|ETC';
export const LEVERAGED = new RegExp(`^(${LEVERAGED_BASES})(UP|DOWN|BULL|BEAR)$|^[A-Z]{2,}[0-9]+[LS]$`);

export function exclusionReason(symbol: string, exclude: readonly string[]): string | null {
  if (exclude.includes(symbol)) return 'in universe.exclude';
  if (STABLECOINS.has(symbol)) return 'stablecoin';
  if (WRAPPED.has(symbol)) return 'wrapped or staked token';
  if (LEVERAGED.test(symbol)) return 'leveraged token';
  return null;
}

/**
 * The micro-cap universe for this cycle, from the clean snapshot: market-cap band, minimum ADV, maximum spread,
 * minimum listing age (days since the gate first saw the asset), exclusions; then the `maxAssets` most liquid. Pure.
 */
export function selectUniverse(snap: MarketSnapshot, memory: Readonly<Record<string, AssetMemory>>, r: UniverseRules): Universe {
  const nowMs = snap.closeMs;
  const reference: string[] = [];
  const excluded: Universe['excluded'] = [];
  const candidates: { symbol: string; advUsd: number }[] = [];
  for (const symbol of Object.keys(snap.bars).sort()) {
    if (r.majors.includes(symbol)) {
      reference.push(symbol);
      continue;
    }
    const liq = snap.liquidity[symbol]!;
    const ageDays = (nowMs - (memory[symbol]?.firstSeenMs ?? nowMs)) / DAY_MS;
    const token = exclusionReason(symbol, r.exclude);
    const why: [string, string] | null =
      (token !== null ? [token === 'in universe.exclude' ? 'universe.exclude' : token, token] : null) ??
      // the cap band where the source has caps; data without them (exchange candles) is ranked by ADV and spread only
      (liq.marketCapUsd !== null && liq.marketCapUsd < r.minMarketCapUsd ? ['universe.min_market_cap_usd', `market cap ${Math.round(liq.marketCapUsd)} below ${r.minMarketCapUsd}`] : null) ??
      (liq.marketCapUsd !== null && liq.marketCapUsd > r.maxMarketCapUsd ? ['universe.max_market_cap_usd', `market cap ${Math.round(liq.marketCapUsd)} above ${r.maxMarketCapUsd}`] : null) ??
      (liq.advUsd < r.minAdvUsd ? ['universe.min_adv_usd', `ADV ${Math.round(liq.advUsd)} below ${r.minAdvUsd}`] : null) ??
      (liq.spreadBps > r.maxSpreadBps ? ['universe.max_spread_bps', `spread ${liq.spreadBps.toFixed(1)} bps above ${r.maxSpreadBps}`] : null) ??
      (ageDays < r.minHistoryDays ? ['universe.min_history_days', `listed ${ageDays.toFixed(1)} days, needs ${r.minHistoryDays}`] : null);
    if (why === null) candidates.push({ symbol, advUsd: liq.advUsd });
    else excluded.push({ symbol, rule: why[0], reason: why[1] });
  }
  candidates.sort((a, b) => b.advUsd - a.advUsd || (a.symbol < b.symbol ? -1 : 1));
  for (const c of candidates.slice(r.maxAssets)) excluded.push({ symbol: c.symbol, rule: 'universe.max_assets', reason: `beyond universe.max_assets ${r.maxAssets}` });
  reference.sort((a, b) => r.majors.indexOf(a) - r.majors.indexOf(b));
  return { tradable: candidates.slice(0, r.maxAssets).map((c) => c.symbol), reference, excluded };
}

/**
 * This cycle's universe from the last one: the full selection every `refreshEveryBars` (UTC-aligned) and whenever the
 * last one is empty, so assets near a band edge do not flap in and out every bar; in between, an asset leaves only
 * when its data fails the gate. A function of the data alone: the universe step and the back-test market's worker
 * (which makes the model's features for the tradable assets ahead of the engine) both follow it.
 */
export function nextUniverse(previous: readonly string[], cycle: number, snap: MarketSnapshot, memory: Readonly<Record<string, AssetMemory>>, r: UniverseRules, refreshEveryBars: number): Universe {
  if (previous.length === 0 || cycle % refreshEveryBars === 0) return selectUniverse(snap, memory, r);
  return {
    tradable: previous.filter((s) => s in snap.bars),
    reference: r.majors.filter((s) => s in snap.bars),
    excluded: previous.filter((s) => !(s in snap.bars)).map((symbol) => ({ symbol, rule: 'quality gate', reason: 'data failed the quality gate' })),
  };
}
