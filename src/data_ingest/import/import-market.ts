import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { MarketInput } from '../../domain/market.js';
import { DataFileError } from '../../utils/errors.js';
import { FORMAT, MarketFilesWriter, TIMEFRAME_LIST, timeframeMs, timeframeOf, type MarketMeta, type PairReport } from '../recorded/market-files.js';
import type { PumpEvent } from '../synthetic/pump-schedule.js';
import type { Candle } from './candle.js';
import { parseCandleFileName, readCandleFile } from './candle-files.js';
import { cleanPair, resample } from './clean-pair.js';
import { deriveLiquidity, LIQUIDITY_METHOD } from './derive-liquidity.js';
import { labelPumps, PUMP_RULE, readPumpList } from './pump-list.js';
import { readTradeFile, type TradeFile } from './trade-files.js';
import { tradesToBars, type Trade } from './trades-to-bars.js';

export interface ImportOptions {
  format: 'freqtrade' | 'trades';
  /** Files or folders (searched recursively). */
  paths: readonly string[];
  out: string;
  /** Bar size of the folder; candle files finer than it are resampled. Default: the files' own (candles), 1h (trades). */
  timeframe?: string;
  /** A pump list (pump_telegram.csv layout): its events on imported pairs become the folder's events. */
  pumps?: string;
  /** The exchange whose listed pumps count (the list names several). */
  pumpsExchange: string;
  /** Keep only pairs in this quote currency (a folder holds one). */
  quote?: string;
  /** Days at the start that only warm the run up (its first cycle comes after them). */
  warmupDays: number;
  /** Tickers listed first in the folder (the config's majors). */
  majors: readonly string[];
  /** Called after each source file is read. */
  progress?: (done: number, total: number) => void;
}

export interface ImportSummary {
  dir: string;
  quote: string;
  timeframe: string;
  pairs: (PairReport & { symbol: string })[];
  assetBars: number;
  events: number;
  listedPumps: number;
  /** Files left out, and why (another quote, another timeframe, not a candle file...). */
  ignored: { file: string; why: string }[];
  meta: MarketMeta;
}

function listFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    if (!existsSync(p)) throw new DataFileError(`${p} does not exist`);
    if (statSync(p).isDirectory()) for (const e of readdirSync(p).sort()) walk(join(p, e));
    else out.push(p);
  };
  for (const p of paths) walk(p);
  return out;
}

/** One pair's raw candles and where they came from, before cleaning. */
export interface PairSource {
  base: string;
  quote: string;
  files: string[];
  candles: Candle[];
  /** Report entries of the first (source-timeframe) cleaning pass, when the pair was resampled. */
  sourceCounts?: { duplicates: number; conflictingDuplicates: number; outOfOrder: number; misaligned: number };
  tradeRows?: number;
  overlappingTradeRows?: number;
}

/** freqtrade candle files: pairs and timeframe from the names, resampled to the folder's bar size where finer. */
async function candlePairs(files: string[], o: ImportOptions, ignored: ImportSummary['ignored']): Promise<{ pairs: PairSource[]; barMs: number }> {
  const named = files.flatMap((f) => {
    const n = parseCandleFileName(f);
    if ('why' in n) ignored.push({ file: f, why: n.why });
    return 'why' in n ? [] : [{ file: f, ...n }];
  });
  if (named.length === 0) throw new DataFileError(`no freqtrade candle files in ${o.paths.join(', ')}`);
  const barMs = o.timeframe !== undefined ? timeframeMs(o.timeframe)! : (() => {
    const tfs = [...new Set(named.map((n) => n.timeframe))];
    if (tfs.length > 1) throw new DataFileError(`candle files of several timeframes (${tfs.join(', ')}): choose the folder's with --timeframe`);
    return named[0]!.barMs;
  })();
  const byPair = new Map<string, typeof named>();
  for (const n of named) byPair.set(`${n.base}/${n.quote}`, [...(byPair.get(`${n.base}/${n.quote}`) ?? []), n]);
  const pairs: PairSource[] = [];
  let done = 0;
  for (const [, group] of [...byPair].sort(([a], [b]) => (a < b ? -1 : 1))) {
    // the folder's own timeframe where the pair has it, else the finest one that divides it
    const usable = group.filter((n) => n.barMs <= barMs && barMs % n.barMs === 0);
    const exact = usable.filter((n) => n.barMs === barMs);
    const finest = Math.min(...usable.map((n) => n.barMs));
    const chosen = exact.length > 0 ? exact : usable.filter((n) => n.barMs === finest);
    for (const n of group) if (!chosen.includes(n)) ignored.push({ file: n.file, why: chosen.length === 0 ? `its ${n.timeframe} bars cannot make ${timeframeOf(barMs)} bars` : `another timeframe of ${n.base}/${n.quote} (${chosen[0]!.timeframe} used)` });
    if (chosen.length === 0) continue;
    let candles: Candle[] = [];
    for (const n of chosen) {
      const rows = await readCandleFile(n.file, n);
      // a file whose rows are not as far apart as its name says is mislabelled: refused rather than guessed at
      const spacing = rows.slice(1, 200).map((r, i) => r.openMs - rows[i]!.openMs).filter((d) => d > 0).sort((a, b) => a - b)[0];
      if (spacing !== undefined && spacing < n.barMs) throw new DataFileError(`${n.file}: its name says ${n.timeframe} bars, but rows are ${spacing / 60_000} minutes apart`);
      candles = candles.concat(rows);
      o.progress?.(++done, named.length);
    }
    const p: PairSource = { base: chosen[0]!.base, quote: chosen[0]!.quote, files: chosen.map((n) => n.file), candles };
    if (chosen[0]!.barMs !== barMs) {
      const first = cleanPair(candles, chosen[0]!.barMs);
      p.sourceCounts = { duplicates: first.report.duplicates, conflictingDuplicates: first.report.conflictingDuplicates, outOfOrder: first.report.outOfOrder, misaligned: first.report.misaligned };
      p.candles = resample(first.candles, barMs);
    }
    pairs.push(p);
  }
  return { pairs, barMs };
}

/**
 * Trades files: one pair each, several files of a pair merged in time. Files of one pair that overlap in time (two
 * pumps a few days apart, or one pump listed twice) hold the same trades there: each trade is taken once, from the
 * file that covered that time first (the rows dropped are counted).
 */
export async function tradePairs(files: string[], o: Pick<ImportOptions, 'timeframe' | 'progress'>): Promise<{ pairs: PairSource[]; barMs: number }> {
  const barMs = timeframeMs(o.timeframe ?? '1h')!;
  const read: (TradeFile & { file: string })[] = [];
  for (const f of files) {
    read.push({ file: f, ...(await readTradeFile(f)) });
    o.progress?.(read.length, files.length);
  }
  const byPair = new Map<string, typeof read>();
  for (const r of read) byPair.set(`${r.base}/${r.quote}`, [...(byPair.get(`${r.base}/${r.quote}`) ?? []), r]);
  const pairs: PairSource[] = [];
  for (const [, group] of [...byPair].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const sorted = group.map((g) => ({ ...g, trades: [...g.trades].sort((a, b) => a.timestampMs - b.timestampMs) })).sort((a, b) => (a.trades[0]?.timestampMs ?? 0) - (b.trades[0]?.timestampMs ?? 0));
    // the files' spans, overlapping ones joined: bars are built within a span (a quiet interval is a zero-volume bar),
    // never across the time between two files (no data there: a gap)
    const spans: Trade[][] = [];
    let coveredTo = -Infinity;
    let overlapping = 0;
    let rows = 0;
    for (const g of sorted) {
      rows += g.trades.length;
      if (g.trades.length === 0) continue;
      if (g.trades[0]!.timestampMs > coveredTo) spans.push([]);
      const span = spans.at(-1)!;
      for (const t of g.trades) {
        if (t.timestampMs <= coveredTo) overlapping++;
        else span.push(t);
      }
      coveredTo = Math.max(coveredTo, g.trades.at(-1)!.timestampMs);
    }
    pairs.push({ base: group[0]!.base, quote: group[0]!.quote, files: sorted.map((g) => g.file), candles: spans.flatMap((s) => tradesToBars(s, barMs)), tradeRows: rows, overlappingTradeRows: overlapping });
  }
  return { pairs, barMs };
}

/**
 * `coce data import`: real candles or trades into a recorded market folder (format 2), with each pair's data-quality
 * report in meta.json and the listed pumps that fall inside the data as its events. Refuses a folder that holds
 * files. Liquidity is derived from the bars (LIQUIDITY_METHOD); market caps and sentiment are absent.
 */
export async function importMarket(o: ImportOptions): Promise<ImportSummary> {
  if (existsSync(o.out) && (!statSync(o.out).isDirectory() || readdirSync(o.out).length > 0)) {
    throw new DataFileError(`${o.out} is not an empty folder; choose a new --out folder (nothing was overwritten)`);
  }
  if (o.timeframe !== undefined && timeframeMs(o.timeframe) === null) throw new DataFileError(`--timeframe ${o.timeframe} is not one of ${TIMEFRAME_LIST}`);
  const ignored: ImportSummary['ignored'] = [];
  const files = listFiles(o.paths);
  const { pairs, barMs } = o.format === 'freqtrade' ? await candlePairs(files, o, ignored) : await tradePairs(files, o);
  return writeMarketFolder(pairs, barMs, { ...o, source: `import:${o.format}`, trades: o.format === 'trades', from: o.paths.join(', ') }, ignored);
}

/** What writeMarketFolder needs beyond the pairs: where, which quote, the pump list, the warm-up. */
export interface FolderOptions {
  out: string;
  /** meta.source: how the data came (import:freqtrade, download:binance...). */
  source: string;
  /** The bars carry trade columns (built from trades). */
  trades: boolean;
  /** Names the input in messages. */
  from: string;
  pumps?: string;
  pumpsExchange: string;
  quote?: string;
  warmupDays: number;
  majors: readonly string[];
}

/**
 * Clean each pair, derive its liquidity, label the listed pumps and write the recorded market folder (format 2):
 * the one path from raw candles to a folder, shared by `data import` and `data download`.
 */
export function writeMarketFolder(all: PairSource[], barMs: number, o: FolderOptions, ignored: ImportSummary['ignored']): ImportSummary {
  const quotes = [...new Set(all.map((p) => p.quote))].sort();
  if (o.quote === undefined && quotes.length > 1) {
    throw new DataFileError(`pairs quoted in ${quotes.map((q) => `${q} (${all.filter((p) => p.quote === q).length})`).join(', ')}: a folder holds one quote currency; choose it with --quote`);
  }
  const quote = o.quote ?? quotes[0]!;
  for (const p of all) if (p.quote !== quote) for (const f of p.files) ignored.push({ file: f, why: `quoted in ${p.quote}, not ${quote}` });
  const pairs = all.filter((p) => p.quote === quote);
  if (pairs.length === 0) throw new DataFileError(`no ${quote} pairs in ${o.from}`);
  const bases = pairs.map((p) => p.base);
  if (new Set(bases).size !== bases.length) throw new DataFileError(`a base currency appears twice: ${bases.join(', ')}`);

  const cleaned = new Map<string, Candle[]>();
  const reports = new Map<string, PairReport>();
  for (const p of pairs) {
    const c = cleanPair(p.candles, barMs);
    if (c.candles.length === 0) {
      for (const f of p.files) ignored.push({ file: f, why: 'no bar left after cleaning' });
      continue;
    }
    cleaned.set(p.base, c.candles);
    reports.set(p.base, {
      ...c.report,
      ...(p.sourceCounts ?? {}),
      ...(p.tradeRows === undefined ? {} : { tradeRows: p.tradeRows, overlappingTradeRows: p.overlappingTradeRows! }),
      files: p.files.map((f) => basename(f)),
    });
  }
  const symbols = [...o.majors.filter((m) => cleaned.has(m)), ...[...cleaned.keys()].filter((s) => !o.majors.includes(s)).sort()];

  let events: PumpEvent[] = [];
  let listedPumps = 0;
  if (o.pumps !== undefined) {
    const listed = readPumpList(readFileSync(o.pumps, 'utf8'), o.pumps);
    listedPumps = listed.length;
    events = labelPumps(listed, o.pumpsExchange, cleaned, barMs);
  }

  const inputs = new Set<MarketInput>(o.trades ? ['trades'] : []);
  const writer = new MarketFilesWriter(o.out, inputs);
  const series = symbols.map((s) => ({ symbol: s, candles: cleaned.get(s)!, liquidity: deriveLiquidity(cleaned.get(s)!, barMs), at: 0 }));
  const historyStartCycle = Math.min(...series.map((s) => s.candles[0]!.openMs / barMs));
  const lastCycle = Math.max(...series.map((s) => s.candles.at(-1)!.openMs / barMs));
  let assetBars = 0;
  // rows in cycle order, pairs in symbol order within a cycle
  for (let cycle = historyStartCycle; cycle <= lastCycle; cycle++) {
    for (const s of series) {
      const c = s.candles[s.at];
      if (c === undefined || c.openMs !== cycle * barMs) continue;
      const l = s.liquidity[s.at]!;
      writer.write({
        cycle,
        symbol: s.symbol,
        bar: { openMs: c.openMs, open: c.open, high: c.high, low: c.low, close: c.close, volumeBase: c.volumeBase, volumeUsd: c.volumeQuote },
        liquidity: l.liquidity,
        ...(l.realizedVol === null ? {} : { realizedVol: l.realizedVol }),
        ...(c.trades === undefined ? {} : { trades: { trades: c.trades, buyShare: c.buyShare!, rushOrders: c.rushOrders! } }),
      });
      s.at++;
      assetBars++;
    }
  }
  const firstCycle = Math.min(lastCycle, historyStartCycle + Math.round((o.warmupDays * 86_400_000) / barMs));
  const meta: MarketMeta = {
    format: FORMAT,
    source: o.source,
    seed: null,
    quote,
    barMs,
    timeframe: timeframeOf(barMs),
    historyStartCycle,
    firstCycle,
    lastCycle,
    symbols,
    inputs: [...inputs],
    liquidity: LIQUIDITY_METHOD,
    pairs: Object.fromEntries(symbols.map((s) => [s, reports.get(s)!])),
    ...(o.pumps === undefined ? {} : { pumps: { file: basename(o.pumps), listed: listedPumps, kept: events.length, rule: `${PUMP_RULE}; exchange ${o.pumpsExchange}` } }),
  };
  writer.finish(meta, o.pumps === undefined ? null : events, null);
  return {
    dir: o.out,
    quote,
    timeframe: meta.timeframe,
    pairs: symbols.map((s) => ({ symbol: s, ...reports.get(s)! })),
    assetBars,
    events: events.length,
    listedPumps,
    ignored,
    meta,
  };
}
