import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { DataFileError } from '../../utils/errors.js';
import type { MarketDataSource, MarketInput, MarketSnapshot } from '../market-data-source.js';
import type { PumpEvent } from '../synthetic/pump-schedule.js';
import { FILES, formatVersion, HEADERS, parseMarketMeta, readPumpEvents, type MarketMeta } from './market-files.js';

/** Columns per asset-bar (NaN = no value). */
const COL = { openMs: 0, open: 1, high: 2, low: 3, close: 4, volumeBase: 5, volumeUsd: 6, cap: 7, adv: 8, spread: 9, rv: 10, mentions: 11, score: 12, trades: 13, buyShare: 14, rush: 15 } as const;
const NCOL = 16;
/**
 * Bars per storage chunk. Real data is sparse (a pair listed late, pump files a few weeks each over two years), so
 * each symbol keeps only the chunks it has rows in: a dense array for 70 pairs x 2 years of 5-minute bars would take
 * 1.5 GB.
 */
const CHUNK = 2048;

export function readMarketMeta(dir: string): MarketMeta {
  return readMeta(dir).meta;
}

function readMeta(dir: string): { meta: MarketMeta; version: 1 | 2 } {
  const file = join(dir, FILES.meta);
  if (!existsSync(file)) throw new DataFileError(`${file} not found: --data needs a folder written by \`coce data generate\`, \`coce data import\` or \`coce data download\``);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new DataFileError(`${file} is not valid JSON (${(err as Error).message})`);
  }
  return { meta: parseMarketMeta(raw, file), version: formatVersion(raw) };
}

/**
 * Replays a recorded market folder through the MarketDataSource interface. The CSVs (plain or .gz) are read once, on
 * first use, into per-symbol chunks; a malformed line stops the run with its file and line number. Optional inputs
 * the folder does not have (market caps, sentiment, trade statistics) are absent from every snapshot.
 */
export class RecordedMarket implements MarketDataSource {
  readonly name: string;
  readonly meta: MarketMeta;
  readonly inputs: ReadonlySet<MarketInput>;
  readonly quote: string;
  private readonly version: 1 | 2;
  private chunks: Map<number, Float64Array>[] | null = null;
  private readonly index: Map<string, number>;

  /** The folder's pumps (events.csv), checked when the folder is opened; null when it has none. */
  readonly pumps: PumpEvent[] | null;

  constructor(private readonly dir: string) {
    const { meta, version } = readMeta(dir);
    this.meta = meta;
    this.version = version;
    this.name = meta.source;
    this.quote = meta.quote;
    this.inputs = new Set(meta.inputs);
    this.index = new Map(meta.symbols.map((s, i) => [s, i]));
    const events = join(dir, FILES.events);
    this.pumps = existsSync(events) ? readPumpEvents(readFileSync(events, 'utf8'), events, new Set(meta.symbols)) : null;
  }

  symbols(): string[] {
    return [...this.meta.symbols];
  }

  /** The row of (cycle, symbol): a view into its chunk, created when `create`. */
  private row(chunks: Map<number, Float64Array>[], sym: number, cycle: number, create: boolean): { data: Float64Array; base: number } | null {
    const rel = cycle - this.meta.historyStartCycle;
    const key = Math.floor(rel / CHUNK);
    let data = chunks[sym]!.get(key);
    if (data === undefined) {
      if (!create) return null;
      data = new Float64Array(CHUNK * NCOL).fill(Number.NaN);
      chunks[sym]!.set(key, data);
    }
    return { data, base: (rel - key * CHUNK) * NCOL };
  }

  /** Loads every file; a caller can call it at start-up so a bad folder is refused before anything is written. */
  async load(): Promise<void> {
    if (this.chunks !== null) return;
    const m = this.meta;
    const chunks = m.symbols.map(() => new Map<number, Float64Array>());
    const barsPerSymbol = new Array<number>(m.symbols.length).fill(0);
    let lastBarCycle = -Infinity;
    const trades = this.inputs.has('trades');
    const readCsv = async (kind: 'bars' | 'liquidity' | 'sentiment', header: string, cols: number[], optional: number[] = []) => {
      const plain = join(this.dir, FILES[kind]);
      const file = existsSync(plain) ? plain : `${plain}.gz`;
      if (!existsSync(file)) throw new DataFileError(`${plain} not found`);
      const input = createReadStream(file);
      const lines = createInterface({ input: file.endsWith('.gz') ? input.pipe(createGunzip()) : input, crlfDelay: Infinity });
      // the line of the row already read for each (cycle, symbol) of this file: a second one is a duplicate, never merged
      const seen = m.symbols.map(() => new Map<number, number>());
      let n = 0;
      let prevCycle = -Infinity;
      for await (const line of lines) {
        n++;
        if (n === 1) {
          if (line !== header) throw new DataFileError(`${file}:1: header must be "${header}"`);
          continue;
        }
        if (line === '') continue;
        const f = line.split(',');
        const cycle = Number(f[0]);
        if (f.length !== cols.length + 2 || f[0] === '' || !Number.isInteger(cycle)) {
          throw new DataFileError(`${file}:${n}: malformed row "${line.slice(0, 120)}" (want ${cols.length + 2} fields: ${header})`);
        }
        const sym = this.index.get(f[1]!);
        if (sym === undefined) throw new DataFileError(`${file}:${n}: symbol "${f[1]!.slice(0, 40)}" is not one of meta.json's symbols`);
        if (cycle < m.historyStartCycle || cycle > m.lastCycle) {
          throw new DataFileError(`${file}:${n}: cycle ${cycle} is outside meta.json's range ${m.historyStartCycle}..${m.lastCycle}`);
        }
        if (cycle < prevCycle) throw new DataFileError(`${file}:${n}: a row of cycle ${cycle} after one of cycle ${prevCycle}: rows must be in cycle order`);
        prevCycle = cycle;
        const first = seen[sym]!.get(cycle);
        if (first !== undefined) throw new DataFileError(`${file}:${n}: a second row for ${f[1]} at cycle ${cycle} (the first is line ${first}): duplicates are not merged`);
        seen[sym]!.set(cycle, n);
        if (kind !== 'bars' && this.row(chunks, sym, cycle, false) === null) {
          throw new DataFileError(`${file}:${n}: ${f[1]} has no bar at cycle ${cycle}`);
        }
        const { data, base } = this.row(chunks, sym, cycle, true)!;
        for (let i = 0; i < cols.length; i++) {
          const text = f[i + 2]!;
          const v = text === '' ? Number.NaN : Number(text);
          if (text !== '' && Number.isNaN(v) && text !== 'NaN') throw new DataFileError(`${file}:${n}: "${text}" is not a number`);
          if (text === '' && !optional.includes(i)) throw new DataFileError(`${file}:${n}: field ${header.split(',')[i + 2]} is empty`);
          data[base + cols[i]!] = v;
        }
        if (kind === 'bars') {
          barsPerSymbol[sym]!++;
          lastBarCycle = cycle;
        }
      }
      if (n === 0) throw new DataFileError(`${file} is empty: it must start with the header "${header}"`);
    };
    const barCols = [COL.openMs, COL.open, COL.high, COL.low, COL.close, COL.volumeBase, COL.volumeUsd];
    await readCsv('bars', this.version === 1 ? HEADERS.barsV1 : trades ? HEADERS.barsTrades : HEADERS.bars, trades ? [...barCols, COL.trades, COL.buyShare, COL.rush] : barCols, trades ? [7, 8, 9] : []);
    const barsFile = join(this.dir, FILES.bars);
    if (lastBarCycle === -Infinity) throw new DataFileError(`${barsFile} holds no bars: the folder has nothing to replay`);
    const without = m.symbols.filter((_, i) => barsPerSymbol[i] === 0);
    if (without.length > 0) throw new DataFileError(`${barsFile} has no bar for ${without.slice(0, 10).join(', ')}${without.length > 10 ? ` and ${without.length - 10} more` : ''}, listed in meta.json's symbols`);
    if (lastBarCycle < m.lastCycle) throw new DataFileError(`${barsFile} ends at cycle ${lastBarCycle}, but meta.json says the data runs to cycle ${m.lastCycle}: the file is cut short`);
    // market caps are optional (column empty without them), realised volatility too
    await readCsv('liquidity', this.version === 1 ? HEADERS.liquidityV1 : HEADERS.liquidity, [COL.cap, COL.adv, COL.spread, COL.rv], this.inputs.has('marketCap') ? [3] : [0, 3]);
    if (this.inputs.has('sentiment')) await readCsv('sentiment', HEADERS.sentiment, [COL.mentions, COL.score]);
    this.chunks = chunks;
  }

  async snapshot(cycle: number): Promise<MarketSnapshot> {
    const m = this.meta;
    if (cycle < m.historyStartCycle || cycle > m.lastCycle) {
      throw new DataFileError(`${this.dir} covers cycles ${m.historyStartCycle}..${m.lastCycle}; cycle ${cycle} is outside`);
    }
    await this.load();
    const chunks = this.chunks!;
    const snap: MarketSnapshot = { cycle, closeMs: (cycle + 1) * m.barMs, bars: {}, liquidity: {}, sentiment: {}, realizedVol: {} };
    const withTrades = this.inputs.has('trades');
    if (withTrades) snap.tradeStats = {};
    for (let i = 0; i < m.symbols.length; i++) {
      const r = this.row(chunks, i, cycle, false);
      if (r === null) continue;
      const { data, base: b } = r;
      const sym = m.symbols[i]!;
      if (!Number.isNaN(data[b + COL.openMs]!)) {
        snap.bars[sym] = {
          openMs: data[b + COL.openMs]!,
          open: data[b + COL.open]!,
          high: data[b + COL.high]!,
          low: data[b + COL.low]!,
          close: data[b + COL.close]!,
          volumeBase: data[b + COL.volumeBase]!,
          volumeUsd: data[b + COL.volumeUsd]!,
        };
        if (withTrades && !Number.isNaN(data[b + COL.trades]!)) snap.tradeStats![sym] = { trades: data[b + COL.trades]!, buyShare: data[b + COL.buyShare]!, rushOrders: data[b + COL.rush]! };
      }
      if (!Number.isNaN(data[b + COL.adv]!)) {
        const cap = data[b + COL.cap]!;
        snap.liquidity[sym] = { marketCapUsd: this.inputs.has('marketCap') ? cap : null, advUsd: data[b + COL.adv]!, spreadBps: data[b + COL.spread]! };
        if (!Number.isNaN(data[b + COL.rv]!)) snap.realizedVol[sym] = data[b + COL.rv]!;
      }
      if (!Number.isNaN(data[b + COL.mentions]!)) snap.sentiment[sym] = { mentions: data[b + COL.mentions]!, score: data[b + COL.score]! };
    }
    return snap;
  }

  async history(beforeCycle: number, bars: number): Promise<MarketSnapshot[]> {
    const out: MarketSnapshot[] = [];
    for (let c = Math.max(this.meta.historyStartCycle, beforeCycle - bars); c < beforeCycle; c++) out.push(await this.snapshot(c));
    return out;
  }
}
