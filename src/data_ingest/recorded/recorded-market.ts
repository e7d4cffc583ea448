import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { DataFileError } from '../../utils/errors.js';
import type { MarketDataSource, MarketSnapshot } from '../market-data-source.js';
import type { PumpEvent } from '../synthetic/pump-schedule.js';
import { FILES, FORMAT, HEADERS, readPumpEvents, type MarketMeta } from './market-files.js';

const metaSchema = z.strictObject({
  format: z.literal(FORMAT),
  source: z.string().min(1),
  seed: z.number().int(),
  barMs: z.number().int().positive(),
  historyStartCycle: z.number().int(),
  firstCycle: z.number().int(),
  lastCycle: z.number().int(),
  symbols: z.array(z.string().min(1)).min(1),
});

/** Columns per asset-bar, stored in one Float64Array (NaN = no row): compact enough for 300 assets x 180 days. */
const COL = { openMs: 0, open: 1, high: 2, low: 3, close: 4, volumeBase: 5, volumeUsd: 6, cap: 7, adv: 8, spread: 9, rv: 10, mentions: 11, score: 12 } as const;
const NCOL = 13;

export function readMarketMeta(dir: string): MarketMeta {
  const file = join(dir, FILES.meta);
  if (!existsSync(file)) throw new DataFileError(`${file} not found: --data needs a folder written by \`coce data generate\``);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new DataFileError(`${file} is not valid JSON (${(err as Error).message})`);
  }
  const parsed = metaSchema.safeParse(raw);
  if (!parsed.success) {
    throw new DataFileError(`${file} is not a ${FORMAT} meta file: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  }
  if (!(parsed.data.historyStartCycle <= parsed.data.firstCycle && parsed.data.firstCycle <= parsed.data.lastCycle)) {
    throw new DataFileError(`${file}: cycles must satisfy historyStartCycle <= firstCycle <= lastCycle`);
  }
  return parsed.data;
}

/**
 * Replays a recorded market folder through the MarketDataSource interface. The CSVs are read once, on first use,
 * into a columnar array; a malformed line stops the run with its file and line number.
 */
export class RecordedMarket implements MarketDataSource {
  readonly name: string;
  readonly meta: MarketMeta;
  private data: Float64Array | null = null;
  private readonly index: Map<string, number>;

  /** The folder's pumps (events.csv), checked when the folder is opened; null when it has none. */
  readonly pumps: PumpEvent[] | null;

  constructor(private readonly dir: string) {
    this.meta = readMarketMeta(dir);
    this.name = this.meta.source;
    this.index = new Map(this.meta.symbols.map((s, i) => [s, i]));
    const events = join(dir, FILES.events);
    this.pumps = existsSync(events) ? readPumpEvents(readFileSync(events, 'utf8'), events, new Set(this.meta.symbols)) : null;
  }

  symbols(): string[] {
    return [...this.meta.symbols];
  }

  private async load(): Promise<Float64Array> {
    if (this.data !== null) return this.data;
    const m = this.meta;
    const nCycles = m.lastCycle - m.historyStartCycle + 1;
    const data = new Float64Array(nCycles * m.symbols.length * NCOL).fill(Number.NaN);
    const nRows = nCycles * m.symbols.length;
    // line of the row already read for each (cycle, symbol) of one file: a second one is a duplicate, never merged
    const lineOf = new Uint32Array(nRows);
    const barsPerSymbol = new Array<number>(m.symbols.length).fill(0);
    let lastBarCycle = -Infinity;
    const readCsv = async (kind: 'bars' | 'liquidity' | 'sentiment', cols: number[]) => {
      const file = join(this.dir, FILES[kind]);
      if (!existsSync(file)) throw new DataFileError(`${file} not found`);
      const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
      lineOf.fill(0);
      let n = 0;
      let prevCycle = -Infinity;
      for await (const line of lines) {
        n++;
        if (n === 1) {
          if (line !== HEADERS[kind]) throw new DataFileError(`${file}:1: header must be "${HEADERS[kind]}"`);
          continue;
        }
        if (line === '') continue;
        const f = line.split(',');
        const cycle = Number(f[0]);
        if (f.length !== cols.length + 2 || f[0] === '' || !Number.isInteger(cycle)) {
          throw new DataFileError(`${file}:${n}: malformed row "${line.slice(0, 120)}" (want ${cols.length + 2} fields: ${HEADERS[kind]})`);
        }
        const sym = this.index.get(f[1]!);
        if (sym === undefined) throw new DataFileError(`${file}:${n}: symbol "${f[1]!.slice(0, 40)}" is not one of meta.json's symbols`);
        if (cycle < m.historyStartCycle || cycle > m.lastCycle) {
          throw new DataFileError(`${file}:${n}: cycle ${cycle} is outside meta.json's range ${m.historyStartCycle}..${m.lastCycle}`);
        }
        if (cycle < prevCycle) throw new DataFileError(`${file}:${n}: a row of cycle ${cycle} after one of cycle ${prevCycle}: rows must be in cycle order`);
        prevCycle = cycle;
        const row = (cycle - m.historyStartCycle) * m.symbols.length + sym;
        if (lineOf[row] !== 0) throw new DataFileError(`${file}:${n}: a second row for ${f[1]} at cycle ${cycle} (the first is line ${lineOf[row]}): duplicates are not merged`);
        lineOf[row] = n;
        const base = row * NCOL;
        for (let i = 0; i < cols.length; i++) {
          const text = f[i + 2]!;
          const v = text === '' ? Number.NaN : Number(text);
          if (text !== '' && Number.isNaN(v) && text !== 'NaN') throw new DataFileError(`${file}:${n}: "${text}" is not a number`);
          data[base + cols[i]!] = v;
        }
        if (kind === 'bars') {
          barsPerSymbol[sym]!++;
          lastBarCycle = cycle;
        }
      }
      if (n === 0) throw new DataFileError(`${file} is empty: it must start with the header "${HEADERS[kind]}"`);
    };
    await readCsv('bars', [COL.openMs, COL.open, COL.high, COL.low, COL.close, COL.volumeBase, COL.volumeUsd]);
    const barsFile = join(this.dir, FILES.bars);
    if (lastBarCycle === -Infinity) throw new DataFileError(`${barsFile} holds no bars: the folder has nothing to replay`);
    const without = m.symbols.filter((_, i) => barsPerSymbol[i] === 0);
    if (without.length > 0) throw new DataFileError(`${barsFile} has no bar for ${without.slice(0, 10).join(', ')}${without.length > 10 ? ` and ${without.length - 10} more` : ''}, listed in meta.json's symbols`);
    if (lastBarCycle < m.lastCycle) throw new DataFileError(`${barsFile} ends at cycle ${lastBarCycle}, but meta.json says the data runs to cycle ${m.lastCycle}: the file is cut short`);
    await readCsv('liquidity', [COL.cap, COL.adv, COL.spread, COL.rv]);
    await readCsv('sentiment', [COL.mentions, COL.score]);
    this.data = data;
    return data;
  }

  async snapshot(cycle: number): Promise<MarketSnapshot> {
    const m = this.meta;
    if (cycle < m.historyStartCycle || cycle > m.lastCycle) {
      throw new DataFileError(`${this.dir} covers cycles ${m.historyStartCycle}..${m.lastCycle}; cycle ${cycle} is outside`);
    }
    const data = await this.load();
    const snap: MarketSnapshot = { cycle, closeMs: (cycle + 1) * m.barMs, bars: {}, liquidity: {}, sentiment: {}, realizedVol: {} };
    for (let i = 0; i < m.symbols.length; i++) {
      const b = ((cycle - m.historyStartCycle) * m.symbols.length + i) * NCOL;
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
      }
      if (!Number.isNaN(data[b + COL.adv]!)) {
        snap.liquidity[sym] = { marketCapUsd: data[b + COL.cap]!, advUsd: data[b + COL.adv]!, spreadBps: data[b + COL.spread]! };
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
