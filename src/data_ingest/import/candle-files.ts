import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DataFileError } from '../../utils/errors.js';
import { TIMEFRAME_LIST, timeframeMs } from '../recorded/market-files.js';
import type { Candle } from './candle.js';

/** A freqtrade candle file's pair and timeframe, from its name (`ADA_BTC-5m.feather`, `PNT_USDT-1h.json.gz`). */
export interface CandleFileName {
  base: string;
  quote: string;
  timeframe: string;
  barMs: number;
  kind: 'json' | 'json.gz' | 'feather';
}

/**
 * The name's pair and timeframe, or why the file is not a freqtrade spot candle file COCE can read (trades, futures,
 * another layout, a timeframe it does not know).
 */
export function parseCandleFileName(path: string): CandleFileName | { why: string } {
  const m = /^([A-Z0-9]+)_([A-Z0-9]+)-(\d+[mhdw])\.(json|json\.gz|feather)$/.exec(basename(path));
  if (m === null) return { why: 'not a freqtrade spot candle file name (BASE_QUOTE-TF.json, .json.gz or .feather)' };
  const barMs = timeframeMs(m[3]!);
  if (barMs === null) return { why: `timeframe "${m[3]}" in the file name is not one COCE knows (${TIMEFRAME_LIST})` };
  return { base: m[1]!, quote: m[2]!, timeframe: m[3]!, barMs, kind: m[4] as CandleFileName['kind'] };
}

type Arrow = typeof import('apache-arrow'); // eslint-disable-line @typescript-eslint/consistent-type-imports -- loaded lazily (large); only its type here
let arrowReady: Promise<Arrow> | null = null;

/** apache-arrow with the LZ4 frame codec freqtrade's feather files use (loaded on first use: it is large). */
function arrow(): Promise<Arrow> {
  arrowReady ??= (async () => {
    const a = await import('apache-arrow');
    const lz4 = await import('lz4js');
    a.compressionRegistry.set(a.CompressionType.LZ4_FRAME, { encode: null, decode: (b: Uint8Array) => new Uint8Array(lz4.decompress(b)) } as never);
    return a;
  })();
  return arrowReady;
}

const num = (v: unknown, path: string, row: number, what: string): number => {
  const x = typeof v === 'string' ? Number(v) : v;
  if (typeof x !== 'number' || !Number.isFinite(x)) throw new DataFileError(`${path}: row ${row + 1}: ${what} ${JSON.stringify(v)} is not a finite number`);
  return x;
};

/**
 * The candles of a freqtrade file, in file order: JSON (`[[open_ms, open, high, low, close, volume], ...]`, plain or
 * gzip) or feather (Arrow IPC with date, open, high, low, close, volume). Volume is in the base currency; the quote
 * volume is close x volume (the files carry none). A malformed file is a DataFileError naming it.
 */
export async function readCandleFile(path: string, name: CandleFileName): Promise<Candle[]> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new DataFileError(`${path} cannot be read (${(err as Error).message})`);
  }
  const rows: unknown[][] = [];
  if (name.kind === 'feather') {
    const a = await arrow();
    let table;
    try {
      table = a.tableFromIPC(bytes);
    } catch (err) {
      throw new DataFileError(`${path} is not an Arrow IPC (feather) file: ${(err as Error).message}`);
    }
    const cols = ['date', 'open', 'high', 'low', 'close', 'volume'].map((c) => table.getChild(c));
    const missing = ['date', 'open', 'high', 'low', 'close', 'volume'].filter((_, i) => cols[i] === null);
    if (missing.length > 0) throw new DataFileError(`${path} has no column ${missing.join(', ')} (a freqtrade candle file has date, open, high, low, close, volume)`);
    // the date column (Timestamp, nanoseconds, UTC) comes back as epoch milliseconds
    for (let i = 0; i < table.numRows; i++) rows.push(cols.map((c) => c!.get(i) as unknown));
  } else {
    let text: string;
    try {
      text = (name.kind === 'json.gz' ? gunzipSync(bytes) : bytes).toString('utf8');
    } catch (err) {
      throw new DataFileError(`${path} is not gzip (${(err as Error).message})`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new DataFileError(`${path} is not JSON (${(err as Error).message})`);
    }
    if (!Array.isArray(parsed)) throw new DataFileError(`${path} is not a freqtrade candle list ([[open_ms, open, high, low, close, volume], ...])`);
    for (const r of parsed) {
      if (!Array.isArray(r) || r.length < 6) throw new DataFileError(`${path}: row ${rows.length + 1} is not [open_ms, open, high, low, close, volume]`);
      rows.push(r as unknown[]);
    }
  }
  return rows.map((r, i) => {
    const close = num(r[4], path, i, 'close');
    const volumeBase = num(r[5], path, i, 'volume');
    return { openMs: num(r[0], path, i, 'open time'), open: num(r[1], path, i, 'open'), high: num(r[2], path, i, 'high'), low: num(r[3], path, i, 'low'), close, volumeBase, volumeQuote: close * volumeBase };
  });
}
