import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { DataFileError } from '../../utils/errors.js';
import { join } from 'node:path';
import type { MarketSnapshot } from '../market-data-source.js';
import type { HypeBurst, PumpEvent } from '../synthetic/pump-schedule.js';

/**
 * The recorded market format (`coce data generate` writes it, `--data DIR` replays it). Plain CSV, one row per asset
 * and bar, numbers in JavaScript's shortest round-trip form so a replay reproduces the generator bit for bit.
 */
export const FORMAT = 'coce-market/1';

export const FILES = {
  meta: 'meta.json',
  bars: 'bars.csv',
  liquidity: 'liquidity.csv',
  sentiment: 'sentiment.csv',
  events: 'events.csv',
  hype: 'hype.csv',
} as const;

export const HEADERS = {
  bars: 'cycle,symbol,open_ms,open,high,low,close,volume_base,volume_usd',
  liquidity: 'cycle,symbol,market_cap_usd,adv_usd,spread_bps,realized_vol',
  sentiment: 'cycle,symbol,mentions,score',
  events: 'id,symbol,accumulation_start,pump_start,peak,end,magnitude,dump_fraction,volume_multiple,hype_start',
  hype: 'symbol,start,peak,end,intensity,pump_id',
} as const;

export interface MarketMeta {
  format: typeof FORMAT;
  /** The source's name; a replay reports it, so a run on the files is the same run as on the generator. */
  source: string;
  seed: number;
  barMs: number;
  /** First bar in the files (history before the run). */
  historyStartCycle: number;
  /** First cycle a run on these files trades. */
  firstCycle: number;
  lastCycle: number;
  symbols: string[];
}

const iso = (ms: number) => new Date(ms).toISOString();

/** Streams snapshots into the CSV files of `dir`. */
export class MarketFilesWriter {
  private readonly fds: Record<'bars' | 'liquidity' | 'sentiment', number>;

  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    this.fds = {
      bars: openSync(join(dir, FILES.bars), 'w'),
      liquidity: openSync(join(dir, FILES.liquidity), 'w'),
      sentiment: openSync(join(dir, FILES.sentiment), 'w'),
    };
    for (const k of ['bars', 'liquidity', 'sentiment'] as const) writeSync(this.fds[k], HEADERS[k] + '\n');
  }

  write(s: MarketSnapshot): void {
    let bars = '';
    let liq = '';
    let sent = '';
    for (const [sym, b] of Object.entries(s.bars)) {
      bars += `${s.cycle},${sym},${b.openMs},${b.open},${b.high},${b.low},${b.close},${b.volumeBase},${b.volumeUsd}\n`;
      const l = s.liquidity[sym];
      if (l) liq += `${s.cycle},${sym},${l.marketCapUsd},${l.advUsd},${l.spreadBps},${s.realizedVol[sym] ?? ''}\n`;
      const t = s.sentiment[sym];
      if (t) sent += `${s.cycle},${sym},${t.mentions},${t.score}\n`;
    }
    writeSync(this.fds.bars, bars);
    writeSync(this.fds.liquidity, liq);
    writeSync(this.fds.sentiment, sent);
  }

  finish(meta: MarketMeta, events: readonly PumpEvent[], bursts: readonly HypeBurst[]): void {
    for (const fd of Object.values(this.fds)) closeSync(fd);
    const ev = events.map(
      (e) =>
        `${e.id},${e.symbol},${iso(e.accumulationStartMs)},${iso(e.pumpStartMs)},${iso(e.peakMs)},${iso(e.endMs)},${e.magnitude},${e.dumpFraction},${e.volumeMultiple},${e.hypeStartMs === null ? '' : iso(e.hypeStartMs)}\n`,
    );
    writeFileSync(join(this.dir, FILES.events), HEADERS.events + '\n' + ev.join(''));
    const hy = bursts.map((b) => `${b.symbol},${iso(b.startMs)},${iso(b.peakMs)},${iso(b.endMs)},${b.intensity},${b.pumpId ?? ''}\n`);
    writeFileSync(join(this.dir, FILES.hype), HEADERS.hype + '\n' + hy.join(''));
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
