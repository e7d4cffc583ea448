import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Bar, Liquidity, MarketInput, Sentiment, TradeStats } from '../../domain/market.js';
import { DataFileError } from '../../utils/errors.js';
import type { HypeBurst, PumpEvent } from '../synthetic/pump-schedule.js';

/**
 * The recorded market format (`coce data generate` and `coce data import` write it, `--data DIR` replays it). Plain
 * CSV, one row per asset and bar, numbers in JavaScript's shortest round-trip form so a replay reproduces the source
 * bit for bit.
 *
 * Version 2 (written now) adds the quote currency, the timeframe, the optional inputs the folder has (market caps,
 * sentiment, trade statistics: absent, never invented), the seed only where the data came from a seeded generator,
 * and a data-quality report per pair. Version 1 folders (synthetic, USD quote, caps and sentiment) still load.
 */
export const FORMAT = 'coce-market/2';
export const FORMAT_V1 = 'coce-market/1';

export const FILES = {
  meta: 'meta.json',
  bars: 'bars.csv',
  liquidity: 'liquidity.csv',
  sentiment: 'sentiment.csv',
  events: 'events.csv',
  hype: 'hype.csv',
} as const;

const BARS = 'cycle,symbol,open_ms,open,high,low,close,volume_base';
export const HEADERS = {
  barsV1: `${BARS},volume_usd`,
  bars: `${BARS},volume_quote`,
  barsTrades: `${BARS},volume_quote,trades,buy_share,rush_orders`,
  liquidityV1: 'cycle,symbol,market_cap_usd,adv_usd,spread_bps,realized_vol',
  liquidity: 'cycle,symbol,market_cap,adv_quote,spread_bps,realized_vol',
  sentiment: 'cycle,symbol,mentions,score',
  events: 'id,symbol,accumulation_start,pump_start,peak,end,magnitude,dump_fraction,volume_multiple,hype_start',
  hype: 'symbol,start,peak,end,intensity,pump_id',
} as const;

/** What an import found in one pair's data and what it did about it (never silently smoothed away). */
export const pairReportSchema = z.strictObject({
  bars: z.number().int().min(0),
  firstOpenMs: z.number().int(),
  lastOpenMs: z.number().int(),
  /** Runs of missing bars inside the pair's span, and the bars they miss (left as gaps; the gate sees them). */
  gaps: z.number().int().min(0),
  gapBars: z.number().int().min(0),
  /** Rows with the open time of an earlier row: identical ones dropped, conflicting ones dropped after the first. */
  duplicates: z.number().int().min(0),
  conflictingDuplicates: z.number().int().min(0),
  /** Rows found out of time order in the source (put in order). */
  outOfOrder: z.number().int().min(0),
  /** Rows whose open time is not on the bar grid (dropped). */
  misaligned: z.number().int().min(0),
  /** Bars with no volume (kept: the exchange printed them). */
  zeroVolumeBars: z.number().int().min(0),
  /** Bars of the listing day spanning more than 10x from low to high: placeholder prints (dropped, with their times). */
  listingPrints: z.array(z.strictObject({ openMs: z.number().int(), high: z.number(), low: z.number() })),
  /** Token swaps: a break after which the price is a fixed multiple of the one before (earlier bars rescaled). */
  redenominations: z.array(z.strictObject({ atMs: z.number().int(), factor: z.number().positive() })),
  /** Bars from trades: trade rows read, rows dropped as exact repeats where source files overlap. */
  tradeRows: z.number().int().min(0).optional(),
  overlappingTradeRows: z.number().int().min(0).optional(),
  /** Source files of the pair. */
  files: z.array(z.string()),
});
export type PairReport = z.infer<typeof pairReportSchema>;

const metaV1 = z.strictObject({
  format: z.literal(FORMAT_V1),
  source: z.string().min(1),
  seed: z.number().int(),
  barMs: z.number().int().positive(),
  historyStartCycle: z.number().int(),
  firstCycle: z.number().int(),
  lastCycle: z.number().int(),
  symbols: z.array(z.string().min(1)).min(1),
});

const metaV2 = z.strictObject({
  format: z.literal(FORMAT),
  source: z.string().min(1),
  /** The generator's seed; null for data nobody generated (an import or download). */
  seed: z.number().int().nullable(),
  quote: z.string().regex(/^[A-Z0-9]{2,10}$/),
  barMs: z.number().int().positive(),
  timeframe: z.string().min(2),
  historyStartCycle: z.number().int(),
  firstCycle: z.number().int(),
  lastCycle: z.number().int(),
  symbols: z.array(z.string().min(1)).min(1),
  /** Optional inputs present in the files; those absent are absent (no column, no file), never filled in. */
  inputs: z.array(z.enum(['sentiment', 'marketCap', 'trades'])),
  /** How the liquidity columns were derived, where they were (ADV window, spread estimator, volatility window). */
  liquidity: z.string().min(1),
  pairs: z.record(z.string(), pairReportSchema).optional(),
  pumps: z.strictObject({ file: z.string(), listed: z.number().int(), kept: z.number().int(), rule: z.string() }).optional(),
});

export type MarketMeta = z.infer<typeof metaV2>;

/** A folder's meta.json, either version, as version 2 (a version 1 folder is synthetic, USD, caps and sentiment). */
export function parseMarketMeta(raw: unknown, file: string): MarketMeta {
  const format = (raw as { format?: unknown } | null)?.format;
  const schema = format === FORMAT_V1 ? metaV1 : metaV2;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new DataFileError(`${file} is not a ${format === FORMAT_V1 ? FORMAT_V1 : FORMAT} meta file: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  const m = parsed.data;
  const meta: MarketMeta =
    m.format === FORMAT_V1 ? { ...m, format: FORMAT, quote: 'USDT', timeframe: timeframeOf(m.barMs), inputs: ['sentiment', 'marketCap'], liquidity: 'synthetic (generated with the bars)' } : m;
  if (!(meta.historyStartCycle <= meta.firstCycle && meta.firstCycle <= meta.lastCycle)) {
    throw new DataFileError(`${file}: cycles must satisfy historyStartCycle <= firstCycle <= lastCycle`);
  }
  if (new Set(meta.symbols).size !== meta.symbols.length) throw new DataFileError(`${file}: symbols lists a ticker twice`);
  return meta;
}

/** The version a folder's files were written in (their headers differ). */
export const formatVersion = (raw: unknown): 1 | 2 => ((raw as { format?: unknown } | null)?.format === FORMAT_V1 ? 1 : 2);

const TIMEFRAMES: Record<string, number> = { '1m': 60_000, '3m': 180_000, '5m': 300_000, '15m': 900_000, '30m': 1_800_000, '1h': 3_600_000, '2h': 7_200_000, '4h': 14_400_000, '8h': 28_800_000, '1d': 86_400_000 };

/** The timeframes COCE knows, for messages: "1m, 3m, ... 1d". */
export const TIMEFRAME_LIST = Object.keys(TIMEFRAMES).join(', ');

/** "5m" -> 300 000 ms; null for a timeframe COCE does not know. */
export const timeframeMs = (tf: string): number | null => TIMEFRAMES[tf] ?? null;

export function timeframeOf(barMs: number): string {
  const tf = Object.entries(TIMEFRAMES).find(([, ms]) => ms === barMs)?.[0];
  if (tf === undefined) throw new DataFileError(`no timeframe name for ${barMs} ms bars`);
  return tf;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** One asset's row of one bar, with whatever the source has besides the bar. */
export interface MarketRow {
  cycle: number;
  symbol: string;
  bar: Bar;
  liquidity?: Liquidity;
  realizedVol?: number;
  sentiment?: Sentiment;
  trades?: TradeStats;
}

/**
 * Streams rows into the CSV files of `dir` (rows in cycle order), then writes events, hype and meta. The inputs the
 * folder declares decide which columns and files exist: sentiment.csv only with sentiment, the trade columns only
 * with trades, an empty market_cap column without caps.
 */
export class MarketFilesWriter {
  private readonly fds: { bars: number; liquidity: number; sentiment: number | null };
  private readonly trades: boolean;
  private buf = { bars: '', liquidity: '', sentiment: '' };

  constructor(
    private readonly dir: string,
    private readonly inputs: ReadonlySet<MarketInput>,
  ) {
    mkdirSync(dir, { recursive: true });
    this.trades = inputs.has('trades');
    this.fds = {
      bars: openSync(join(dir, FILES.bars), 'w'),
      liquidity: openSync(join(dir, FILES.liquidity), 'w'),
      sentiment: inputs.has('sentiment') ? openSync(join(dir, FILES.sentiment), 'w') : null,
    };
    writeSync(this.fds.bars, (this.trades ? HEADERS.barsTrades : HEADERS.bars) + '\n');
    writeSync(this.fds.liquidity, HEADERS.liquidity + '\n');
    if (this.fds.sentiment !== null) writeSync(this.fds.sentiment, HEADERS.sentiment + '\n');
  }

  write(r: MarketRow): void {
    const b = r.bar;
    let line = `${r.cycle},${r.symbol},${b.openMs},${b.open},${b.high},${b.low},${b.close},${b.volumeBase},${b.volumeUsd}`;
    if (this.trades) line += r.trades === undefined ? ',,,' : `,${r.trades.trades},${r.trades.buyShare},${r.trades.rushOrders}`;
    this.buf.bars += line + '\n';
    const l = r.liquidity;
    if (l) this.buf.liquidity += `${r.cycle},${r.symbol},${l.marketCapUsd ?? ''},${l.advUsd},${l.spreadBps},${r.realizedVol ?? ''}\n`;
    const t = r.sentiment;
    if (t && this.fds.sentiment !== null) this.buf.sentiment += `${r.cycle},${r.symbol},${t.mentions},${t.score}\n`;
    if (this.buf.bars.length > 1 << 20) this.flush();
  }

  private flush(): void {
    writeSync(this.fds.bars, this.buf.bars);
    writeSync(this.fds.liquidity, this.buf.liquidity);
    if (this.fds.sentiment !== null) writeSync(this.fds.sentiment, this.buf.sentiment);
    this.buf = { bars: '', liquidity: '', sentiment: '' };
  }

  /** `events` null: the data has no labelled pumps (no events.csv: no ground truth, rather than an empty one). */
  finish(meta: MarketMeta, events: readonly PumpEvent[] | null, bursts: readonly HypeBurst[] | null): void {
    this.flush();
    for (const fd of [this.fds.bars, this.fds.liquidity, this.fds.sentiment]) if (fd !== null) closeSync(fd);
    if (events !== null) {
      const ev = events.map(
        (e) =>
          `${e.id},${e.symbol},${iso(e.accumulationStartMs)},${iso(e.pumpStartMs)},${iso(e.peakMs)},${iso(e.endMs)},${e.magnitude},${e.dumpFraction},${e.volumeMultiple},${e.hypeStartMs === null ? '' : iso(e.hypeStartMs)}\n`,
      );
      writeFileSync(join(this.dir, FILES.events), HEADERS.events + '\n' + ev.join(''));
    }
    if (bursts !== null) {
      const hy = bursts.map((b) => `${b.symbol},${iso(b.startMs)},${iso(b.peakMs)},${iso(b.endMs)},${b.intensity},${b.pumpId ?? ''}\n`);
      writeFileSync(join(this.dir, FILES.hype), HEADERS.hype + '\n' + hy.join(''));
    }
    writeFileSync(join(this.dir, FILES.meta), JSON.stringify(meta, null, 2) + '\n');
  }
}

/**
 * The pumps of a recorded folder's events.csv (its ground truth). Every row is checked: ten fields, a known symbol,
 * ISO-8601 times in order (accumulation <= start <= peak <= end), finite figures; a bad row is a DataFileError with
 * its file and line, so a back-test never scores its alarms against a damaged list.
 */
export function readPumpEvents(csv: string, file: string = FILES.events, symbols?: ReadonlySet<string>): PumpEvent[] {
  const lines = csv.split('\n');
  if (lines[0] !== HEADERS.events) throw new DataFileError(`${file}:1: header must be "${HEADERS.events}"`);
  const out: PumpEvent[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    const bad = (why: string) => new DataFileError(`${file}:${i + 1}: ${why} in "${line.slice(0, 120)}"`);
    const c = line.split(',');
    if (c.length !== 10) throw bad(`${c.length} fields, want 10 (${HEADERS.events})`);
    const time = (k: number, name: string) => {
      const ms = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(c[k]!) ? Date.parse(c[k]!) : Number.NaN;
      if (!Number.isFinite(ms)) throw bad(`${name} "${c[k]}" is not an ISO-8601 UTC time`);
      return ms;
    };
    const num = (k: number, name: string) => {
      const v = c[k] === '' ? Number.NaN : Number(c[k]);
      if (!Number.isFinite(v)) throw bad(`${name} "${c[k]}" is not a number`);
      return v;
    };
    const e: PumpEvent = {
      id: num(0, 'id'),
      symbol: c[1]!,
      accumulationStartMs: time(2, 'accumulation_start'),
      pumpStartMs: time(3, 'pump_start'),
      peakMs: time(4, 'peak'),
      endMs: time(5, 'end'),
      magnitude: num(6, 'magnitude'),
      dumpFraction: num(7, 'dump_fraction'),
      volumeMultiple: num(8, 'volume_multiple'),
      hypeStartMs: c[9] === '' ? null : time(9, 'hype_start'),
    };
    if (symbols !== undefined && !symbols.has(e.symbol)) throw bad(`symbol "${e.symbol.slice(0, 40)}" is not one of meta.json's symbols`);
    if (!(e.accumulationStartMs <= e.pumpStartMs && e.pumpStartMs <= e.peakMs && e.peakMs <= e.endMs)) throw bad('times must satisfy accumulation_start <= pump_start <= peak <= end');
    out.push(e);
  }
  return out;
}
