import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataFileError, UsageError } from '../../utils/errors.js';
import type { Logger } from '../../utils/logger.js';
import { withRetry, type Sleep } from '../../utils/with-retry.js';
import { FILES, TIMEFRAME_LIST, timeframeMs } from '../recorded/market-files.js';
import { mapCcxtError } from '../live/ccxt-errors.js';
import { RateLimitedError } from '../live/source-errors.js';
import type { Candle } from '../import/candle.js';
import { tradePairs, writeMarketFolder, type FolderOptions, type ImportSummary, type PairSource } from '../import/import-market.js';
import { StagedFile } from './staged-file.js';

/** The part of a ccxt exchange a download uses (public endpoints only: no keys). */
export interface HistoryExchange {
  loadMarkets(reload?: boolean): Promise<Record<string, { symbol: string; base: string; quote: string; active?: boolean | undefined; spot?: boolean | undefined }>>;
  fetchOHLCV(symbol: string, timeframe: string, since?: number, limit?: number, params?: object): Promise<(number | undefined)[][]>;
  fetchTrades(symbol: string, since?: number, limit?: number, params?: object): Promise<{ id?: string | undefined; timestamp?: number | undefined; side?: string | undefined; price?: number | undefined; amount?: number | undefined; cost?: number | undefined }[]>;
  fetchTickers(symbols?: string[]): Promise<Record<string, { quoteVolume?: number | undefined }>>;
  /** ccxt keeps the last answer's headers (Retry-After of a 429). */
  last_response_headers?: Record<string, string> | undefined;
}

export interface DownloadOptions {
  exchangeId: string;
  /** Unified symbols (BASE/QUOTE), or null with `top`. */
  symbols: string[] | null;
  /** The N pairs of the quote currency with the largest 24 h quote volume. */
  top: number | null;
  /** Quote currency for --top (with --symbols it is theirs). */
  quote: string;
  timeframe: string;
  sinceMs: number;
  /** Exclusive end; null: the last closed bar when the download first ran. */
  untilMs: number | null;
  /** Trades instead of candles: the bars are built from them (trade count, buy share, rush orders). */
  trades: boolean;
  out: string;
  nowMs: () => number;
  retry: { retries: number; baseDelayMs: number; maxDelayMs: number; sleep: Sleep; log: Logger };
  /** After each page: pair, pairs done, pairs in all. */
  progress?: (pair: string, done: number, total: number) => void;
  folder: Pick<FolderOptions, 'pumps' | 'pumpsExchange' | 'warmupDays' | 'majors'>;
}

/** What a download asked for and resolved (the symbols of --top, the end of an open window), kept to resume it. */
interface Plan {
  request: { exchange: string; symbols: string[] | null; top: number | null; quote: string; timeframe: string; sinceMs: number; untilMs: number | null; trades: boolean };
  symbols: string[];
  untilMs: number;
  completed: string[];
}

export interface DownloadSummary extends ImportSummary {
  /** Rows fetched in this run (not counting those staged by an earlier, interrupted one). */
  fetchedRows: number;
  /** Rows staged by an earlier, interrupted run of the same download (kept, not fetched again). */
  resumedRows: number;
  requests: number;
}

export const STAGING_DIR = 'download';
const CANDLE_HEADER = 'open_ms,open,high,low,close,volume_base';
// ccxt fetch_trades layout: the staged file is a trades file `data import --format trades` reads as well
const TRADE_HEADER = 'symbol,timestamp,id,side,price,amount,cost';
const PAGE = 1000;
const HOUR_MS = 3_600_000;

const fileStem = (symbol: string) => symbol.replace('/', '_');

/**
 * `coce data download`: history through ccxt into `out`: raw rows staged per pair under out/download/ (appended page by
 * page; a killed download run again with the same options goes on from the last whole row and never stages a row
 * twice), then the recorded market folder built from them by the same path as `data import`.
 */
export async function downloadHistory(ex: HistoryExchange, o: DownloadOptions): Promise<DownloadSummary> {
  const barMs = timeframeMs(o.timeframe);
  if (barMs === null) throw new UsageError(`--timeframe ${o.timeframe} is not one of ${TIMEFRAME_LIST}`);
  const staging = join(o.out, STAGING_DIR);
  const planFile = join(staging, 'plan.json');
  const request: Plan['request'] = { exchange: o.exchangeId, symbols: o.symbols, top: o.top, quote: o.quote, timeframe: o.timeframe, sinceMs: o.sinceMs, untilMs: o.untilMs, trades: o.trades };
  let plan: Plan | null = null;
  if (existsSync(planFile)) {
    plan = JSON.parse(readFileSync(planFile, 'utf8')) as Plan;
    if (JSON.stringify(plan.request) !== JSON.stringify(request)) {
      throw new UsageError(`${o.out} holds a download with other options (${JSON.stringify(plan.request)}): run it again with the same options to resume it, or choose a new --out folder`);
    }
  } else if (existsSync(o.out) && (!statSync(o.out).isDirectory() || readdirSync(o.out).length > 0)) {
    throw new DataFileError(`${o.out} is not an empty folder and holds no download to resume; choose a new --out folder (nothing was overwritten)`);
  }

  let requests = 0;
  const call = <T>(what: string, fn: () => Promise<T>): Promise<T> =>
    withRetry(
      async () => {
        requests++;
        try {
          return await fn();
        } catch (err) {
          const mapped = mapCcxtError(err, what);
          // ccxt drops Retry-After from its errors; the headers of the answer are still on the exchange object
          if (mapped instanceof RateLimitedError && mapped.retryAfterMs === null) {
            const h = Object.entries(ex.last_response_headers ?? {}).find(([k]) => k.toLowerCase() === 'retry-after')?.[1];
            const s = h === undefined ? NaN : Number(h);
            if (Number.isFinite(s) && s >= 0) throw new RateLimitedError(mapped.message, s * 1000, { kind: 'retry-after' });
          }
          throw mapped;
        }
      },
      { ...o.retry, what },
    );

  if (plan === null) {
    const markets = await call('loadMarkets', () => ex.loadMarkets());
    const bySymbol = new Map(Object.values(markets).map((m) => [m.symbol, m]));
    let symbols: string[];
    if (o.symbols !== null) {
      const unknown = o.symbols.filter((s) => !bySymbol.has(s));
      if (unknown.length > 0) throw new UsageError(`--symbols: ${unknown.join(', ')} not listed on ${o.exchangeId} (symbols are BASE/QUOTE, as ccxt names them)`);
      const quotes = [...new Set(o.symbols.map((s) => bySymbol.get(s)!.quote))];
      if (quotes.length > 1) throw new UsageError(`--symbols are quoted in ${quotes.join(', ')}: a folder holds one quote currency`);
      symbols = o.symbols;
    } else {
      const candidates = [...bySymbol.values()].filter((m) => m.quote === o.quote && m.active !== false && m.spot !== false).map((m) => m.symbol);
      if (candidates.length === 0) throw new UsageError(`${o.exchangeId} lists no active spot pair quoted in ${o.quote}`);
      const tickers = await call('fetchTickers', () => ex.fetchTickers());
      const volume = (s: string) => tickers[s]?.quoteVolume ?? 0;
      symbols = candidates.sort((a, b) => volume(b) - volume(a) || (a < b ? -1 : 1)).slice(0, o.top!);
    }
    // an open window ends at the last bar closed now, fixed here so that a resumed download ends at the same bar
    const untilMs = o.untilMs ?? Math.floor(o.nowMs() / barMs) * barMs;
    if (!(untilMs > o.sinceMs)) {
      throw new UsageError(
        o.untilMs === null
          ? `--since ${new Date(o.sinceMs).toISOString()} is not before the last closed bar (${new Date(untilMs - barMs).toISOString()}): nothing to download yet`
          : `--until ${new Date(untilMs).toISOString()} is not after --since ${new Date(o.sinceMs).toISOString()}`,
      );
    }
    plan = { request, symbols, untilMs, completed: [] };
    mkdirSync(staging, { recursive: true });
    savePlan(planFile, plan);
  }

  const stagedFiles = plan.symbols.map((s) => join(staging, `${fileStem(s)}-${o.trades ? 'trades' : o.timeframe}.csv`));
  let fetchedRows = 0;
  let resumedRows = 0;
  for (const [i, symbol] of plan.symbols.entries()) {
    const file = stagedFiles[i]!;
    if (plan.completed.includes(symbol)) {
      resumedRows += countLines(file) - 1;
      continue;
    }
    const r = o.trades
      ? await stageTrades(ex, symbol, file, plan.untilMs, o, call, () => o.progress?.(symbol, i, plan.symbols.length))
      : await stageCandles(ex, symbol, file, barMs, plan.untilMs, o, call, () => o.progress?.(symbol, i, plan.symbols.length));
    fetchedRows += r.fetched;
    resumedRows += r.resumed;
    plan.completed.push(symbol);
    savePlan(planFile, plan);
    o.progress?.(symbol, i + 1, plan.symbols.length);
  }

  // the folder is rebuilt from everything staged; meta.json goes first so a half-written folder never looks whole
  rmSync(join(o.out, FILES.meta), { force: true });
  const ignored: ImportSummary['ignored'] = [];
  let pairs: PairSource[];
  if (o.trades) {
    const withTrades = stagedFiles.filter((f) => countLines(f) > 1);
    for (const f of stagedFiles) if (!withTrades.includes(f)) ignored.push({ file: f, why: 'no trades in the window' });
    if (withTrades.length === 0) throw new DataFileError(`no trades of ${plan.symbols.join(', ')} between --since and --until`);
    pairs = (await tradePairs(withTrades, { timeframe: o.timeframe })).pairs;
  } else {
    pairs = plan.symbols.map((s, k) => {
      const [base, quote] = s.split('/') as [string, string];
      return { base, quote, files: [stagedFiles[k]!], candles: readStagedCandles(stagedFiles[k]!) };
    });
    for (const p of pairs) if (p.candles.length === 0) ignored.push({ file: p.files[0]!, why: 'no bars in the window' });
    pairs = pairs.filter((p) => p.candles.length > 0);
    if (pairs.length === 0) throw new DataFileError(`no bars of ${plan.symbols.join(', ')} between --since and --until`);
  }
  const summary = writeMarketFolder(pairs, barMs, { ...o.folder, out: o.out, source: `download:${o.exchangeId}`, trades: o.trades, from: o.exchangeId }, ignored);
  return { ...summary, fetchedRows, resumedRows, requests };
}

function savePlan(file: string, plan: Plan): void {
  writeFileSync(file + '.tmp', JSON.stringify(plan, null, 2) + '\n');
  renameSync(file + '.tmp', file);
}

type Call = <T>(what: string, fn: () => Promise<T>) => Promise<T>;

/** OHLCV paged by `since`: closed bars opening in [since, until), appended after the last one staged. */
async function stageCandles(ex: HistoryExchange, symbol: string, file: string, barMs: number, untilMs: number, o: DownloadOptions, call: Call, onPage: () => void): Promise<{ fetched: number; resumed: number }> {
  const staged = StagedFile.open(file, CANDLE_HEADER, 1);
  const resumed = staged.tail.length === 0 ? 0 : countLines(file) - 1;
  let since = staged.tail.length === 0 ? o.sinceMs : Number(staged.tail[0]!.split(',')[0]) + barMs;
  let fetched = 0;
  try {
    while (since < untilMs) {
      const rows = await call(`fetchOHLCV ${symbol}`, () => ex.fetchOHLCV(symbol, o.timeframe, since, PAGE));
      const lines: string[] = [];
      let last = since - barMs;
      for (const r of rows) {
        const [t, open, high, low, close, volume] = r;
        if (t === undefined || t < since || t + barMs > untilMs || t + barMs > o.nowMs()) continue;
        if (![open, high, low, close, volume].every((v) => v !== undefined && Number.isFinite(v))) continue;
        if (t <= last) continue; // a repeated row within a page
        lines.push(`${t},${open},${high},${low},${close},${volume}`);
        last = t;
      }
      staged.append(lines);
      fetched += lines.length;
      onPage();
      const lastOpen = rows.at(-1)?.[0];
      // an empty page, or one that does not move forward, is the end of what the exchange has
      if (rows.length === 0 || lastOpen === undefined || lastOpen < since) break;
      since = Math.max(lastOpen, last) + barMs;
    }
  } finally {
    staged.close();
  }
  return { fetched, resumed };
}

/**
 * Trades by hour windows (ccxt's binance answers at most an hour from `since`): within a window, pages of up to 1000
 * from the last staged trade's millisecond on; trades at that millisecond already staged are known by id.
 */
async function stageTrades(ex: HistoryExchange, symbol: string, file: string, untilMs: number, o: DownloadOptions, call: Call, onPage: () => void): Promise<{ fetched: number; resumed: number }> {
  const staged = StagedFile.open(file, TRADE_HEADER);
  const resumed = staged.tail.length === 0 ? 0 : countLines(file) - 1;
  const lastTs = staged.tail.length === 0 ? null : Number(staged.tail.at(-1)!.split(',')[1]);
  let cursor = lastTs ?? o.sinceMs;
  let seenAtCursor = new Set(lastTs === null ? [] : staged.tail.filter((l) => Number(l.split(',')[1]) === lastTs).map((l) => l.split(',')[2]!));
  let fetched = 0;
  try {
    for (let windowStart = Math.max(o.sinceMs, Math.floor(cursor / HOUR_MS) * HOUR_MS), windowEnd = 0; windowStart < untilMs; windowStart = windowEnd) {
      windowEnd = Math.min(untilMs, Math.floor(windowStart / HOUR_MS) * HOUR_MS + HOUR_MS);
      if (cursor < windowStart) {
        cursor = windowStart;
        seenAtCursor = new Set();
      }
      for (;;) {
        const rows = await call(`fetchTrades ${symbol}`, () => ex.fetchTrades(symbol, cursor, PAGE, { until: windowEnd - 1 }));
        const lines: string[] = [];
        for (const t of rows) {
          const ts = t.timestamp;
          if (ts === undefined || ts < cursor || ts >= windowEnd || t.id === undefined) continue;
          if (!(t.price! > 0) || !(t.amount! >= 0) || (t.side !== 'buy' && t.side !== 'sell')) continue;
          if (ts === cursor && seenAtCursor.has(t.id)) continue;
          if (ts > cursor) {
            cursor = ts;
            seenAtCursor = new Set();
          }
          seenAtCursor.add(t.id);
          lines.push(`${symbol},${ts},${t.id},${t.side},${t.price},${t.amount},${t.cost ?? t.price! * t.amount!}`);
        }
        staged.append(lines);
        fetched += lines.length;
        onPage();
        if (rows.length < PAGE) break;
        // a full page that brought nothing new: more than a page of trades in one millisecond; step past it
        if (lines.length === 0) {
          o.retry.log.warn({ symbol, atMs: cursor }, 'more than a page of trades in one millisecond: going on from the next');
          cursor++;
          seenAtCursor = new Set();
        }
      }
    }
  } finally {
    staged.close();
  }
  return { fetched, resumed };
}

function countLines(file: string): number {
  const text = readFileSync(file, 'utf8');
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function readStagedCandles(file: string): Candle[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const out: Candle[] = [];
  for (let i = 1; i < lines.length; i++) {
    if (lines[i] === '') continue;
    const [t, open, high, low, close, volume] = lines[i]!.split(',').map(Number) as [number, number, number, number, number, number];
    out.push({ openMs: t, open, high, low, close, volumeBase: volume, volumeQuote: close * volume });
  }
  return out;
}
