import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Candle } from '../../../src/data_ingest/import/candle.js';
import { parseCandleFileName, readCandleFile } from '../../../src/data_ingest/import/candle-files.js';
import { cleanPair, resample } from '../../../src/data_ingest/import/clean-pair.js';
import { deriveLiquidity } from '../../../src/data_ingest/import/derive-liquidity.js';
import { importMarket } from '../../../src/data_ingest/import/import-market.js';
import { labelPumps, readPumpList } from '../../../src/data_ingest/import/pump-list.js';
import { readTradeFile } from '../../../src/data_ingest/import/trade-files.js';
import { tradesToBars, type Trade } from '../../../src/data_ingest/import/trades-to-bars.js';
import { main } from '../../../src/cli.js';
import { memoryIo, tmp } from '../../helpers.js';

const H = 3_600_000;
const T0 = Date.parse('2021-01-01T00:00:00Z');
const candle = (i: number, close: number, o: Partial<Candle> = {}): Candle => ({ openMs: T0 + i * H, open: close, high: close * 1.01, low: close * 0.99, close, volumeBase: 10, volumeQuote: 10 * close, ...o });

describe('cleanPair', () => {
  it('sorts, drops off-grid rows and repeats (conflicting ones counted apart), counts gaps and zero-volume bars', () => {
    const raw = [candle(0, 1), candle(2, 1.2), candle(1, 1.1), candle(1, 1.1), candle(1, 1.15), { ...candle(3, 1), openMs: T0 + 3 * H + 60_000 }, candle(6, 1.3, { volumeBase: 0, volumeQuote: 0 })];
    const c = cleanPair(raw, H);
    expect(c.candles.map((x) => [(x.openMs - T0) / H, x.close])).toEqual([[0, 1], [1, 1.1], [2, 1.2], [6, 1.3]]);
    expect(c.report).toMatchObject({ bars: 4, outOfOrder: 1, misaligned: 1, duplicates: 2, conflictingDuplicates: 1, gaps: 1, gapBars: 3, zeroVolumeBars: 1, listingPrints: [], redenominations: [] });
  });

  it('drops first-day bars whose high is more than 10x their low as listing prints, and only on the first day', () => {
    const raw = [candle(0, 5, { high: 60, low: 0.5 }), candle(1, 1), candle(2, 1), candle(30, 1, { high: 30, low: 1 })];
    const c = cleanPair(raw, H);
    expect(c.report.listingPrints).toEqual([{ openMs: T0, high: 60, low: 0.5 }]);
    expect(c.candles.map((x) => (x.openMs - T0) / H)).toEqual([1, 2, 30]);
  });

  it('rescales the bars before a token swap (a break of 6 h to 14 d, then a price 20x away) to a power of ten within x2; value stays continuous', () => {
    const before = Array.from({ length: 30 }, (_, i) => candle(i, 0.002));
    const after = Array.from({ length: 30 }, (_, i) => candle(30 + 10 + i, 2.9)); // 10 bars missing, price x1450
    const c = cleanPair([...before, ...after], H);
    expect(c.report.redenominations).toEqual([{ atMs: T0 + 40 * H, factor: 1000 }]);
    expect(c.candles[0]).toMatchObject({ close: 2, volumeBase: 0.01, volumeQuote: 0.02 });
    // a move of the same size after a short break is not a swap, nor after a break of months
    expect(cleanPair([...before, ...after.map((x) => ({ ...x, openMs: x.openMs - 8 * H }))], H).report.redenominations).toEqual([]);
    expect(cleanPair([...before, ...after.map((x) => ({ ...x, openMs: x.openMs + 60 * 24 * H }))], H).report.redenominations).toEqual([]);
    // a ratio far from a power of ten is kept as measured
    expect(cleanPair([...before, ...after.map((x) => ({ ...x, close: 0.002 * 45 }))], H).report.redenominations[0]!.factor).toBeCloseTo(45, 9);
  });

  it('resample aggregates finer candles: first open, highest high, lowest low, last close, summed volumes', () => {
    const five = [0, 1, 2, 3].map((k) => ({ openMs: T0 + k * 300_000 + (k >= 2 ? H - 600_000 : 0), open: 1 + k, high: 2 + k, low: 0.5 + k, close: 1.5 + k, volumeBase: k, volumeQuote: 2 * k }));
    expect(resample(five, H)).toEqual([
      { openMs: T0, open: 1, high: 3, low: 0.5, close: 2.5, volumeBase: 1, volumeQuote: 2 },
      { openMs: T0 + H, open: 3, high: 5, low: 2.5, close: 4.5, volumeBase: 5, volumeQuote: 10 },
    ]);
  });
});

describe('deriveLiquidity (causal: bar t from bars up to t)', () => {
  it('ADV over the days covered, the Abdi-Ranaldo spread over 48 bars, annualised volatility; no market cap', () => {
    const cs = Array.from({ length: 100 }, (_, i) => candle(i, 1 + 0.01 * (i % 3)));
    const l = deriveLiquidity(cs, H);
    // the first day's ADV is what traded so far (days covered at least one: never extrapolated from an hour)
    expect(l[0]).toEqual({ liquidity: { marketCapUsd: null, advUsd: 10, spreadBps: 1 }, realizedVol: null });
    // after 24 bars: one full day of quote volume
    const day = cs.slice(0, 24).reduce((a, c) => a + c.volumeQuote, 0);
    expect(l[23]!.liquidity.advUsd).toBeCloseTo(day, 9);
    // the spread term of bar 1 against bar 0 by hand
    const eta = (c: Candle) => (Math.log(c.high) + Math.log(c.low)) / 2;
    const term = 4 * (Math.log(cs[0]!.close) - eta(cs[0]!)) * (Math.log(cs[0]!.close) - eta(cs[1]!));
    expect(l[1]!.liquidity.spreadBps).toBeCloseTo(Math.max(1, 10_000 * Math.sqrt(Math.max(0, term))), 9);
    // volatility of bar 2: two log returns, sample variance, x bars a year
    const r = [Math.log(1.01 / 1), Math.log(1.02 / 1.01)];
    const mean = (r[0]! + r[1]!) / 2;
    expect(l[2]!.realizedVol).toBeCloseTo(Math.sqrt((((r[0]! - mean) ** 2 + (r[1]! - mean) ** 2) / 1) * 8760), 9);
    // causal: the first 50 values are the same whatever comes after
    expect(deriveLiquidity(cs.slice(0, 50), H)).toEqual(l.slice(0, 50));
  });
});

describe('tradesToBars', () => {
  const tr = (ms: number, side: 'buy' | 'sell', price: number, amount = 1): Trade => ({ timestampMs: T0 + ms, side, price, amount, cost: price * amount });
  it('OHLCV from trades in order, trade count, buy share of quote volume, rush orders; quiet intervals at the last price', () => {
    const bars = tradesToBars([tr(1000, 'buy', 10), tr(1000, 'buy', 11), tr(1000, 'sell', 9), tr(2000, 'sell', 12, 2), tr(2 * H + 5, 'buy', 13), tr(2 * H + 5, 'buy', 13), tr(2 * H + 5, 'buy', 14)], H);
    expect(bars).toEqual([
      { openMs: T0, open: 10, high: 12, low: 9, close: 12, volumeBase: 5, volumeQuote: 54, trades: 4, buyShare: 21 / 54, rushOrders: 1 },
      { openMs: T0 + H, open: 12, high: 12, low: 12, close: 12, volumeBase: 0, volumeQuote: 0, trades: 0, buyShare: 0, rushOrders: 0 },
      { openMs: T0 + 2 * H, open: 13, high: 14, low: 13, close: 14, volumeBase: 3, volumeQuote: 40, trades: 3, buyShare: 1, rushOrders: 1 },
    ]);
    expect(tradesToBars([], H)).toEqual([]);
  });
});

describe('pump lists', () => {
  const list = 'symbol,group,date,hour,exchange\nABC,g1,2021-01-02,12:00,binance\nabc,g2,2021-01-02,13:00,binance\nXYZ,g1,2021-01-02,12:00,yobit\nNOPE,g1,2021-01-02,12:00,binance\nABC,g1,2021-03-01,12:00,binance\n';
  it('reads the list and labels each pump on an imported pair inside its data by the documented rule', () => {
    const listed = readPumpList(list, 'p.csv');
    expect(listed.map((p) => [p.symbol, p.exchange, p.line])).toEqual([['ABC', 'binance', 2], ['ABC', 'binance', 3], ['XYZ', 'yobit', 4], ['NOPE', 'binance', 5], ['ABC', 'binance', 6]]);
    // 5m bars around noon of Jan 2: flat at 1 for a day, a spike to 1.5 at 12:10, back below half-way (1.25) at 12:40
    const M5 = 300_000;
    const start = Date.parse('2021-01-02T12:00:00Z');
    const cs: Candle[] = [];
    for (let t = start - 24 * H; t < start + 3 * H; t += M5) {
      const k = (t - start) / M5;
      const close = k === 2 ? 1.4 : k > 2 && k < 8 ? 1.3 : 1;
      cs.push({ openMs: t, open: 1, high: k === 2 ? 1.5 : close, low: 1, close, volumeBase: 100, volumeQuote: k >= 0 && k < 8 ? 1000 : 100 });
    }
    const events = labelPumps(listed, 'binance', new Map([['ABC', cs], ['XYZ', cs]]), M5);
    expect(events).toEqual([
      { id: 1, symbol: 'ABC', accumulationStartMs: start, pumpStartMs: start, peakMs: start + 2 * M5, endMs: start + 8 * M5, magnitude: 0.5, dumpFraction: 1, volumeMultiple: 10, hypeStartMs: null },
    ]);
  });

  it('names a bad row and a missing column', () => {
    expect(() => readPumpList('symbol,date\n', 'p.csv')).toThrow('p.csv:1: a pump list needs the columns symbol, date and hour (and exchange), got "symbol,date"');
    expect(() => readPumpList('symbol,group,date,hour,exchange\nABC,g,2021-13-01,12:00,binance\n', 'p.csv')).toThrow('p.csv:2: not a pump (symbol, date YYYY-MM-DD, hour HH:MM): "ABC,g,2021-13-01,12:00,binance"');
  });
});

describe('candle and trade files', () => {
  it('parses freqtrade file names and says why a name is not one', () => {
    expect(parseCandleFileName('/x/PNT_USDT-1h.json.gz')).toEqual({ base: 'PNT', quote: 'USDT', timeframe: '1h', barMs: H, kind: 'json.gz' });
    expect(parseCandleFileName('ADA_BTC-5m.feather')).toMatchObject({ base: 'ADA', quote: 'BTC', barMs: 300_000, kind: 'feather' });
    expect(parseCandleFileName('ADA_BTC-5m-futures.feather')).toEqual({ why: 'not a freqtrade spot candle file name (BASE_QUOTE-TF.json, .json.gz or .feather)' });
    expect(parseCandleFileName('ADA_BTC-1w.json')).toEqual({ why: 'timeframe "1w" in the file name is not one COCE knows (1m, 3m, 5m, 15m, 30m, 1h, 2h, 4h, 8h, 1d)' });
  });

  it('refuses damaged candle and trade files, naming the file and the row', async () => {
    const dir = tmp();
    const f = (name: string, body: string | Buffer) => (writeFileSync(join(dir, name), body), join(dir, name));
    const n = (p: string) => parseCandleFileName(p) as Exclude<ReturnType<typeof parseCandleFileName>, { why: string }>;
    let p = f('A_USDT-1h.json', '{"a":1}');
    await expect(readCandleFile(p, n(p))).rejects.toThrow(`${p} is not a freqtrade candle list ([[open_ms, open, high, low, close, volume], ...])`);
    p = f('B_USDT-1h.json', '[[1,2,3,4,"x",6]]');
    await expect(readCandleFile(p, n(p))).rejects.toThrow(`${p}: row 1: close "x" is not a finite number`);
    p = f('C_USDT-1h.json.gz', 'not gzip');
    await expect(readCandleFile(p, n(p))).rejects.toThrow(`${p} is not gzip`);
    p = f('D_USDT-1h.feather', 'not arrow');
    await expect(readCandleFile(p, n(p))).rejects.toThrow(`${p} is not an Arrow IPC (feather) file`);
    p = f('t.csv.gz', gzipSync('symbol,timestamp,side,price,amount\nA/BTC,1,buy,1,2\nB/BTC,2,buy,1,2\n'));
    await expect(readTradeFile(p)).rejects.toThrow(`${p}:3: pair B/BTC in a file of A/BTC (one pair per file)`);
    p = f('u.csv', 'symbol,timestamp,side,price,amount\nA/BTC,1,hold,1,2\n');
    await expect(readTradeFile(p)).rejects.toThrow(`${p}:2: not a trade (timestamp ms, side buy|sell, price > 0, amount >= 0): "A/BTC,1,hold,1,2"`);
    p = f('v.csv', 'time,price\n');
    await expect(readTradeFile(p)).rejects.toThrow(`${p}:1: a trades file needs the columns symbol, timestamp, side, price, amount (ccxt fetch_trades)`);
    expect(await readTradeFile(f('w.csv', 'symbol,timestamp,side,price,amount\nA/BTC,5,sell,2,3\n'))).toEqual({ base: 'A', quote: 'BTC', trades: [{ timestampMs: 5, side: 'sell', price: 2, amount: 3, cost: 6 }] });
  });

  it('an import refuses a used folder, several quotes without --quote, several timeframes without --timeframe, and a mislabelled file', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'in'));
    const rows = (step: number) => JSON.stringify(Array.from({ length: 30 }, (_, i) => [T0 + i * step, 1, 1.1, 0.9, 1, 5]));
    writeFileSync(join(dir, 'in', 'A_USDT-1h.json'), rows(H));
    writeFileSync(join(dir, 'in', 'A_BTC-1h.json'), rows(H));
    const o = { format: 'freqtrade' as const, paths: [join(dir, 'in')], pumpsExchange: 'binance', warmupDays: 0, majors: [] };
    await expect(importMarket({ ...o, out: join(dir, 'in') })).rejects.toThrow(`${join(dir, 'in')} is not an empty folder; choose a new --out folder (nothing was overwritten)`);
    await expect(importMarket({ ...o, out: join(dir, 'o1') })).rejects.toThrow('pairs quoted in BTC (1), USDT (1): a folder holds one quote currency; choose it with --quote');
    writeFileSync(join(dir, 'in', 'B_USDT-5m.json'), rows(300_000));
    await expect(importMarket({ ...o, quote: 'USDT', out: join(dir, 'o2') })).rejects.toThrow('candle files of several timeframes (1h, 5m): choose the folder\'s with --timeframe');
    writeFileSync(join(dir, 'in', 'B_USDT-5m.json'), rows(60_000));
    await expect(importMarket({ ...o, quote: 'USDT', timeframe: '1h', out: join(dir, 'o3') })).rejects.toThrow(`${join(dir, 'in', 'B_USDT-5m.json')}: its name says 5m bars, but rows are 1 minutes apart`);
    writeFileSync(join(dir, 'in', 'B_USDT-5m.json'), rows(300_000));
    const s = await importMarket({ ...o, quote: 'USDT', timeframe: '1h', warmupDays: 1, out: join(dir, 'o4') });
    expect(s.pairs.map((p) => [p.symbol, p.bars])).toEqual([['A', 30], ['B', 3]]);
    expect(s.ignored.map((i) => i.why)).toEqual(['quoted in BTC, not USDT']);
    expect([s.meta.historyStartCycle, s.meta.firstCycle, s.meta.lastCycle]).toEqual([T0 / H, T0 / H + 24, T0 / H + 29]);
  });

  it('coce data import prints the summary; a bad timeframe or missing path is exit 2', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'in'));
    writeFileSync(join(dir, 'in', 'A_USDT-1h.json'), JSON.stringify([[T0, 1, 1.1, 0.9, 1, 5], [T0 + 2 * H, 1, 1.1, 0.9, 1, 0]]));
    const io = memoryIo(dir);
    expect(await main(['data', 'import', '--format', 'freqtrade', '--out', 'o', 'in'], io)).toBe(0);
    expect(io.out()).toMatch(/^.*\/o: 1 pairs, 2 bars of 1h quoted in USDT, 0 pump events; \d+\.\d s\n/);
    expect(io.out()).toContain('\nA               2  2021-01-01 00:00  2021-01-01 02:00        1 (1)    0      0         1  \n');
    const bad = memoryIo(dir);
    expect(await main(['data', 'import', '--format', 'freqtrade', '--timeframe', '7m', '--out', 'p', 'in'], bad)).toBe(2);
    expect(bad.err()).toContain('must be one of 1m, 3m, 5m, 15m, 30m, 1h, 2h, 4h, 8h, 1d, got "7m"');
    const missing = memoryIo(dir);
    expect(await main(['data', 'import', '--format', 'trades', '--out', 'q', 'nothing-here'], missing)).toBe(2);
    expect(missing.err()).toContain(`${join(dir, 'nothing-here')} does not exist`);
  });
});
