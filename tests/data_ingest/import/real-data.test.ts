/**
 * Imports of the real Binance data in ../shared/data/real (read from there, never copied into the repository), checked
 * against the source files read independently here.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Candle } from '../../../src/data_ingest/import/candle.js';
import { importMarket, type ImportSummary } from '../../../src/data_ingest/import/import-market.js';
import { formatImportSummary } from '../../../src/cli/data-import.js';
import { main } from '../../../src/cli.js';
import { BASE_YAML, memoryIo, REAL_DATA, tmp } from '../../helpers.js';

const USDT_1H = join(REAL_DATA, 'binance-usdt-1h');
const PUMP_TRADES = join(REAL_DATA, 'binance-btc-pump-trades');
const FREQTRADE = join(REAL_DATA, 'freqtrade-testdata');
const PUMP_LIST = join(REAL_DATA, '..', 'pump-and-dump', 'pump_telegram.csv');
const H = 3_600_000;

/** A bars.csv row: the candle, then the trade columns when the folder has them. */
interface Row extends Candle {
  extra: number[];
}

/** bars.csv of a folder: symbol -> open time -> row. */
function readBars(dir: string): Map<string, Map<number, Row>> {
  const out = new Map<string, Map<number, Row>>();
  const lines = readFileSync(join(dir, 'bars.csv'), 'utf8').trim().split('\n');
  for (const l of lines.slice(1)) {
    const f = l.split(',');
    const [openMs, open, high, low, close, volumeBase, volumeQuote, ...extra] = f.slice(2).map(Number);
    if (!out.has(f[1]!)) out.set(f[1]!, new Map());
    out.get(f[1]!)!.set(openMs!, { openMs: openMs!, open: open!, high: high!, low: low!, close: close!, volumeBase: volumeBase!, volumeQuote: volumeQuote!, extra });
  }
  return out;
}

/** The 115 pump files at 1h with the pump list: imported once for the tests that need it (~15 s). */
let pumpImport: Promise<ImportSummary> | null = null;
const pumps1h = () => (pumpImport ??= importMarket({ format: 'trades', paths: [PUMP_TRADES], out: join(tmp(), 'pumps'), timeframe: '1h', pumps: PUMP_LIST, pumpsExchange: 'binance', warmupDays: 0, majors: [] }));

const jsonRows = (file: string) => JSON.parse(gunzipSync(readFileSync(file)).toString('utf8')) as number[][];

describe('coce data import on the real Binance 1h candles (126 USDT pairs, freqtrade json.gz)', () => {
  let s: ImportSummary;
  let bars: Map<string, Map<number, Row>>;
  beforeAll(async () => {
    s = await importMarket({ format: 'freqtrade', paths: [USDT_1H], out: join(tmp(), 'usdt'), pumpsExchange: 'binance', warmupDays: 0, majors: ['BTC', 'ETH'] });
    bars = readBars(s.dir);
  }, 180_000); // 126 pairs: ~5 s alone, several times that beside other test files under coverage

  it('imports every pair: bar counts, first and last bar and sampled OHLCV equal the source files', () => {
    const files = readdirSync(USDT_1H).filter((f) => f.endsWith('.json.gz'));
    expect(files).toHaveLength(126);
    expect(s.pairs).toHaveLength(126);
    expect([s.quote, s.timeframe, s.assetBars]).toEqual(['USDT', '1h', 628_649]);
    expect(s.pairs.slice(0, 2).map((p) => p.symbol)).toEqual(['BTC', 'ETH']);
    let sampled = 0;
    for (const f of files) {
      const base = f.split('_')[0]!;
      const src = jsonRows(join(USDT_1H, f));
      const p = s.pairs.find((x) => x.symbol === base)!;
      const dropped = new Set(p.listingPrints.map((l) => l.openMs));
      const kept = src.filter((r) => !dropped.has(r[0]!));
      // no duplicates or disorder in these files: every row is a bar, less the listing prints
      expect([p.bars, p.duplicates, p.outOfOrder, p.misaligned], base).toEqual([kept.length, 0, 0, 0]);
      expect([p.firstOpenMs, p.lastOpenMs], base).toEqual([kept[0]![0], kept.at(-1)![0]]);
      expect(bars.get(base)!.size).toBe(kept.length);
      const factorAt = (t: number) => p.redenominations.filter((r) => t < r.atMs).reduce((a, r) => a * r.factor, 1);
      for (let i = 0; i < kept.length; i += 397) {
        const [t, open, high, low, close, volume] = kept[i]!;
        const b = bars.get(base)!.get(t!)!;
        const k = factorAt(t!);
        expect([b.open, b.high, b.low, b.close, b.volumeBase, b.volumeQuote], `${base} ${t}`).toEqual([open! * k, high! * k, low! * k, close! * k, volume! / k, close! * volume!]);
        sampled++;
      }
      // gaps are as many as the breaks between consecutive source rows
      const breaks = kept.filter((r, i) => i > 0 && r[0]! - kept[i - 1]![0]! > H).length;
      expect(p.gaps, base).toBe(breaks);
    }
    expect(sampled).toBeGreaterThan(1500);
  });

  it('reports the COCOS redenomination and the listing-day prints of ALICE, BTCST, REEF, TKO and TLM, in the summary and in meta.json', () => {
    const cocos = s.pairs.find((p) => p.symbol === 'COCOS')!;
    expect(cocos.redenominations).toEqual([{ atMs: Date.parse('2021-01-23T02:00:00Z'), factor: 1000 }]);
    expect(s.pairs.filter((p) => p.redenominations.length > 0).map((p) => p.symbol)).toEqual(['COCOS']);
    expect(s.pairs.filter((p) => p.listingPrints.length > 0).map((p) => p.symbol)).toEqual(['ALICE', 'BTCST', 'REEF', 'TKO', 'TLM']);
    for (const p of s.pairs.filter((x) => x.listingPrints.length > 0)) {
      for (const l of p.listingPrints) expect(l.high / l.low).toBeGreaterThan(10);
      expect(p.listingPrints[0]!.openMs).toBe(jsonRows(join(USDT_1H, `${p.symbol}_USDT-1h.json.gz`))[0]![0]);
    }
    const text = formatImportSummary(s, 1);
    expect(text).toMatch(/^COCOS .*redenomination at 2021-01-23 02:00: earlier bars x 1000$/m);
    expect(text).toMatch(/^ALICE .*listing print 2021-03-15 06:00 \(low [\d.]+, high [\d.]+\) dropped/m);
    const meta = JSON.parse(readFileSync(join(s.dir, 'meta.json'), 'utf8')) as { format: string; inputs: string[]; pairs: Record<string, unknown> };
    expect(meta.format).toBe('coce-market/2');
    expect(meta.inputs).toEqual([]); // no market caps, no sentiment: absent, not invented
    expect(meta.pairs.COCOS).toMatchObject({ redenominations: [{ factor: 1000 }] });
    expect(readFileSync(join(s.dir, 'liquidity.csv'), 'utf8').split('\n')[1]).toMatch(/^\d+,BTC,,/); // the market cap column is empty
  });
});

describe('coce data import on freqtrade test candles (feather, Arrow IPC with LZ4)', () => {
  it('reads the 5m BTC pairs, leaves out what it cannot use and says why, and resamples 5m to 1h', async () => {
    const s = await importMarket({ format: 'freqtrade', paths: [FREQTRADE], out: join(tmp(), 'ft'), timeframe: '5m', quote: 'BTC', pumpsExchange: 'binance', warmupDays: 0, majors: ['BTC', 'ETH'] });
    expect(s.pairs.map((p) => [p.symbol, p.bars])).toEqual([
      ['ETH', 5760], ['ADA', 5720], ['DASH', 5758], ['ETC', 5759], ['LTC', 5760], ['NXT', 5760], ['TRX', 5754], ['UNITTEST', 5760], ['XLM', 5760], ['XMR', 5758], ['ZEC', 5757],
    ]);
    expect(s.ignored.map((i) => `${i.file.split('/').at(-1)}: ${i.why}`).sort()).toEqual([
      'UNITTEST_BTC-1m.feather: another timeframe of UNITTEST/BTC (5m used)',
      'UNITTEST_BTC-30m.feather: another timeframe of UNITTEST/BTC (5m used)',
      'UNITTEST_BTC-8m.json.gz: timeframe "8m" in the file name is not one COCE knows (1m, 3m, 5m, 15m, 30m, 1h, 2h, 4h, 8h, 1d)',
      'XRP_ETH-1m.feather: another timeframe of XRP/ETH (5m used)',
      'XRP_ETH-5m.feather: quoted in ETH, not BTC',
      'XRP_ETH-trades.json.gz: not a freqtrade spot candle file name (BASE_QUOTE-TF.json, .json.gz or .feather)',
      'XRP_OLD-trades.json.gz: not a freqtrade spot candle file name (BASE_QUOTE-TF.json, .json.gz or .feather)',
    ]);
    // the source read here with apache-arrow directly: every bar of ADA/BTC equal to its row
    const arrow = await import('apache-arrow');
    const lz4 = await import('lz4js');
    arrow.compressionRegistry.set(arrow.CompressionType.LZ4_FRAME, { encode: null, decode: (b: Uint8Array) => new Uint8Array(lz4.decompress(b)) } as never);
    const t = arrow.tableFromIPC(readFileSync(join(FREQTRADE, 'ADA_BTC-5m.feather')));
    const col = (c: string) => t.getChild(c)!.toArray() as ArrayLike<number | bigint>;
    const [open, high, low, close, volume] = ['open', 'high', 'low', 'close', 'volume'].map(col) as ArrayLike<number>[];
    const ada = readBars(s.dir).get('ADA')!;
    expect(ada.size).toBe(t.numRows);
    const dateMs = (i: number) => Number(t.getChild('date')!.get(i));
    for (let i = 0; i < t.numRows; i += 37) {
      const b = ada.get(dateMs(i))!;
      expect([b.open, b.high, b.low, b.close, b.volumeBase]).toEqual([open![i], high![i], low![i], close![i], volume![i]]);
    }

    // 5m -> 1h: open of the first, highest high, lowest low, close of the last, volume summed
    const hourly = await importMarket({ format: 'freqtrade', paths: [join(FREQTRADE, 'ADA_BTC-5m.feather')], out: join(tmp(), 'ft1h'), timeframe: '1h', pumpsExchange: 'binance', warmupDays: 0, majors: [] });
    const h = readBars(hourly.dir).get('ADA')!;
    const hours = new Map<number, number[]>();
    for (let i = 0; i < t.numRows; i++) {
      const hour = Math.floor(dateMs(i) / H) * H;
      hours.set(hour, [...(hours.get(hour) ?? []), i]);
    }
    expect(h.size).toBe(hours.size);
    for (const [hour, rows] of hours) {
      const b = h.get(hour)!;
      expect(b.open).toBe(open![rows[0]!]);
      expect(b.close).toBe(close![rows.at(-1)!]);
      expect(b.high).toBe(Math.max(...rows.map((i) => high![i]!)));
      expect(b.low).toBe(Math.min(...rows.map((i) => low![i]!)));
      expect(b.volumeBase).toBeCloseTo(rows.reduce((a, i) => a + volume![i]!, 0), 9);
    }
  });
});

/** Bars recomputed here straight from a trades file: OHLC in time order, volumes, count, buy share, rush orders. */
function barsFromTrades(file: string, barMs: number): Map<number, number[]> {
  const lines = gunzipSync(readFileSync(file)).toString('utf8').trim().split('\n');
  const head = lines[0]!.split(',');
  const at = (n: string) => head.indexOf(n);
  const trades = lines.slice(1).map((l) => l.split(',')).map((f) => ({ ts: Number(f[at('timestamp')]), side: f[at('side')], price: Number(f[at('price')]), amount: Number(f[at('amount')]), cost: Number(f[at('btc_volume')]) }));
  trades.sort((a, b) => a.ts - b.ts);
  const byBar = new Map<number, typeof trades>();
  for (const t of trades) {
    const b = Math.floor(t.ts / barMs) * barMs;
    byBar.set(b, [...(byBar.get(b) ?? []), t]);
  }
  const out = new Map<number, number[]>();
  for (const [b, ts] of byBar) {
    const quote = ts.reduce((a, t) => a + t.cost, 0);
    const buysAtMs = new Map<number, number>();
    for (const t of ts) if (t.side === 'buy') buysAtMs.set(t.ts, (buysAtMs.get(t.ts) ?? 0) + 1);
    out.set(b, [
      ts[0]!.price,
      Math.max(...ts.map((t) => t.price)),
      Math.min(...ts.map((t) => t.price)),
      ts.at(-1)!.price,
      ts.reduce((a, t) => a + t.amount, 0),
      quote,
      ts.length,
      ts.filter((t) => t.side === 'buy').reduce((a, t) => a + t.cost, 0) / quote,
      [...buysAtMs.values()].filter((n) => n >= 2).length,
    ]);
  }
  return out;
}

describe('coce data import on the real pump-and-dump trades (SYM/BTC, ccxt fetch_trades CSV.gz)', () => {
  it.each(['5m', '1h'])('builds %s bars equal to a direct recomputation from the trades (two files)', async (tf) => {
    const barMs = tf === '5m' ? 300_000 : H;
    const files = ['ADX_2019-07-05_17.00.csv.gz', 'BNT_2019-09-09_20.00.csv.gz'];
    const s = await importMarket({ format: 'trades', paths: files.map((f) => join(PUMP_TRADES, f)), out: join(tmp(), 'tr'), timeframe: tf, pumps: PUMP_LIST, pumpsExchange: 'binance', warmupDays: 0, majors: [] });
    expect(s.quote).toBe('BTC');
    const bars = readBars(s.dir);
    for (const f of files) {
      const base = f.split('_')[0]!;
      const direct = barsFromTrades(join(PUMP_TRADES, f), barMs);
      const got = bars.get(base)!;
      const traded = [...got.values()].filter((b) => b.extra[0]! > 0);
      expect(traded.length, base).toBe(direct.size);
      for (const b of traded) {
        const d = direct.get(b.openMs)!;
        expect([b.open, b.high, b.low, b.close], `${base} ${b.openMs}`).toEqual(d.slice(0, 4));
        expect(b.volumeBase).toBeCloseTo(d[4]!, 6);
        expect(b.volumeQuote).toBeCloseTo(d[5]!, 10);
        expect(b.extra[0]).toBe(d[6]);
        expect(b.extra[1]).toBeCloseTo(d[7]!, 10);
        expect(b.extra[2]).toBe(d[8]);
      }
      // a bar without trades inside the file's span is a zero-volume bar at the last price, never an invented move
      for (const b of [...got.values()].filter((x) => x.extra[0] === 0)) expect([b.open, b.high, b.low, b.volumeBase]).toEqual([b.close, b.close, b.close, 0]);
    }
    expect(s.events).toBe(2);
  });

  it('every pump file yields its labelled event (start = the bar of the announcement)', async () => {
    const s = await pumps1h();
    const events = readFileSync(join(s.dir, 'events.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    expect(events).toHaveLength(s.events);
    const files = readdirSync(PUMP_TRADES).filter((f) => f.endsWith('.csv.gz'));
    expect(files).toHaveLength(115);
    for (const f of files) {
      const m = /^([A-Z0-9]+)_(\d{4}-\d{2}-\d{2})_(\d{2})\.(\d{2})\.csv\.gz$/.exec(f)!;
      const atMs = Date.parse(`${m[2]}T${m[3]}:${m[4]}:00Z`);
      const e = events.find((x) => x[1] === m[1] && Math.abs(Date.parse(x[3]!) - atMs) < 2 * H);
      expect(e, f).toBeDefined();
    }
    expect([s.pairs.length, s.events, s.listedPumps]).toEqual([50, 111, 1110]);
  }, 180_000);
});

describe('every mode on real data: train on the real pumps, back-test on real candles with both benchmarks', () => {
  it('coce train --data (candle features only), coce backtest --data without and with the model, coce optimize on it', async () => {
    const cwd = tmp();
    const io = () => memoryIo(cwd, { LOG_LEVEL: 'error' });
    // 12 pairs of the 1h set, the first 35 days only warming up (the universe wants 14 days of listing)
    const files = ['BTC', 'ETH', 'ADA', 'ALGO', 'ATOM', 'AVAX', 'BAT', 'CHZ', 'COCOS', 'DOGE', 'ENJ', 'FTM'].map((b) => join(USDT_1H, `${b}_USDT-1h.json.gz`));
    const imp = io();
    const r0 = await main(['data', 'import', '--format', 'freqtrade', '--warmup-days', '35', '--config', BASE_YAML, '--out', 'real', ...files], imp);
    expect(r0, imp.err()).toBe(0);
    const train = io();
    expect(await main(['train', '--data', (await pumps1h()).dir, '--inputs', 'none', '--config', BASE_YAML, '--out', 'model.json'], train)).toBe(0);
    expect(train.out()).toMatch(/model\.json: pump model trained on .*pumps, [\d.]+ days \(\d+ rows, \d+ positive; \d+ features, inputs: candles only\)/);
    const model = JSON.parse(readFileSync(join(cwd, 'model.json'), 'utf8')) as { inputs: string[]; features: string[] };
    expect(model.inputs).toEqual([]);
    expect(model.features).toEqual(['z_volume', 'z_return', 'sum3_volume', 'sum3_return', 'sum6_volume', 'sum6_return', 'sum12_volume', 'sum12_return', 'relative_return', 'log_spread_bps', 'log_volume_to_adv', 'hour_sin', 'hour_cos', 'weekday_sin', 'weekday_cos']);

    const summaryOf = async (extra: string[]) => {
      const b = io();
      expect(await main(['backtest', '--data', 'real', '--days', '20', ...extra], b), b.err()).toBe(0);
      return b.out();
    };
    const plain = await summaryOf(['--config', BASE_YAML, '--out', 'bt-plain']);
    // BTC buy-and-hold from the source file: close at the last cycle over close at the first
    const equity = readFileSync(join(cwd, 'bt-plain', 'logs', 'equity.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { ts: string; navUsd: number; benchmarkNavUsd: number; universeBenchmarkNavUsd: number });
    const btc = new Map(jsonRows(join(USDT_1H, 'BTC_USDT-1h.json.gz')).map((r) => [r[0]!, r[4]!]));
    const closeAtCycleEnd = (ts: string) => btc.get(Date.parse(ts) - H)!; // a cycle's timestamp is its bar's close
    const btcReturn = 100 * (closeAtCycleEnd(equity.at(-1)!.ts) / closeAtCycleEnd(equity[0]!.ts) - 1);
    expect(plain).toMatch(new RegExp(`\\nbuy-and-hold BTC +${btcReturn.toFixed(2)} %\\n`));
    const microReturn = 100 * (equity.at(-1)!.universeBenchmarkNavUsd / equity[0]!.navUsd - 1);
    expect(plain).toMatch(new RegExp(`\\nbuy-and-hold micro-caps \\(equal weight\\) +${microReturn.toFixed(2)} %\\n`));
    expect(plain).toContain('\nfills / traded                          0 / 0.00 USD\n'); // no model: no entries
    expect(plain).toContain('not scored: the data has no labelled pumps');

    writeFileSync(join(cwd, 'model.yaml'), readFileSync(BASE_YAML, 'utf8').replace(/^ {2}model_path: null/m, `  model_path: ${join(cwd, 'model.json')}`));
    const withModel = await summaryOf(['--config', 'model.yaml', '--out', 'bt-model']);
    expect(withModel).toMatch(new RegExp(`\\nbuy-and-hold BTC +${btcReturn.toFixed(2)} %\\n`));
    expect(withModel).toMatch(new RegExp(`\\nbuy-and-hold micro-caps \\(equal weight\\) +${microReturn.toFixed(2)} %\\n`));
    expect(readFileSync(join(cwd, 'bt-model', 'logs', 'equity.jsonl'), 'utf8').trim().split('\n')).toHaveLength(equity.length);

    // walk-forward on the real import: out-of-sample figures for each window (issue 18)
    writeFileSync(join(cwd, 'wf.yaml'), 'days: 20\ndata: [real]\nset:\n  exits.take_profit_pct: [12, 15]\n');
    const opt = io();
    expect(await main(['optimize', '--grid', 'wf.yaml', '--train-days', '8', '--test-days', '4', '--config', 'model.yaml', '--out', 'wf'], opt), opt.err()).toBe(0);
    expect(opt.out().match(/^window \d: chose c[01] \{"exits.take_profit_pct":1[25]\} on days \d+-\d+ \(in-sample Sharpe (-?\d+\.\d\d|n\/a)\); out of sample, days \d+-\d+: d0 -?\d+\.\d\d %/gm)).toHaveLength(3);
    expect(opt.out()).toMatch(/\n {2}d0: return -?\d+\.\d\d %, Sharpe (-?\d+\.\d\d|n\/a), max DD \d+\.\d\d % over 12 days\n/);
  }, 180_000);
});

describe('the pump model on the real pumps, split by time (fit before 2019-10-01, score the rest), 1h', () => {
  it('train --until and eval --from: the model beside the three Kamps-Kleinberg settings (deterministic figures)', async () => {
    const cwd = tmp();
    const dir = (await pumps1h()).dir;
    const io = () => memoryIo(cwd, { LOG_LEVEL: 'error' });
    // BTC pairs: the config's USD amounts in BTC at a fixed rate (the figures depend on it only through the ADV floor)
    writeFileSync(join(cwd, 'btc.yaml'), readFileSync(BASE_YAML, 'utf8').replace(/^ {2}quote_usd: null/m, '  quote_usd: 8000'));
    const train = io();
    expect(await main(['train', '--data', dir, '--until', '2019-10-01', '--config', 'btc.yaml', '--out', 'm.json'], train), train.err()).toBe(0);
    expect(train.out()).toMatch(/m\.json: pump model trained on .*, 484\.38 days \(9768 rows, 150 positive; 21 features, inputs: candles, trades\)/);
    const ev = io();
    expect(await main(['eval', '--model', 'm.json', '--data', dir, '--from', '2019-10-01', '--config', 'btc.yaml', '--json', 'split.json'], ev), ev.err()).toBe(0);
    const r = JSON.parse(readFileSync(join(cwd, 'split.json'), 'utf8')) as { days: number; rows: number; events: number; model: Record<string, number>; baselines: Record<string, number>[] };
    expect([+r.days.toFixed(2), r.rows, r.events]).toEqual([190.54, 16466, 40]);
    const fig = (d: Record<string, number>) => [d.f1, d.prAuc, d.eventsDetected, d.shareFlaggedBeforeStart, d.falseAlarmsPerAssetDay].map((x) => +x!.toFixed(4));
    // the threshold under the 0.2 false alarms per asset-day budget (chosen on the training side's validation)
    expect(fig(r.model)).toEqual([0.1061, 0.0579, 17, 0.425, 0.1734]);
    expect(r.baselines.map(fig)).toEqual([
      [0.0468, 0.0228, 15, 0.375, 0.2871],
      [0.0296, 0.0213, 13, 0.325, 0.2463],
      [0.012, 0.0209, 5, 0.125, 0.1049],
    ]);
    // false alarms per asset-day scored: 16466 asset-bars are 686 asset-days, not 50 coins x 190 days
    expect(+(r.model as unknown as { assetDays: number }).assetDays.toFixed(2)).toBe(686.08);
    // the in-pump view: the companion detector and the model on "a pump starts in this bar" (F1, caught within 1 h, minutes)
    const inPump = (r as unknown as { inPump: { detector: string; f1: number; caughtWithinHour: number; medianMinutesToAlarm: number }[] }).inPump;
    expect(inPump.map((d) => [d.detector, +d.f1.toFixed(4), d.caughtWithinHour, d.medianMinutesToAlarm])).toEqual([
      ['in-pump detector', 0.5686, 29, 60],
      ['pump model', 0.0488, 7, 60],
    ]);
    expect(ev.out()).toContain('"a pump starts in this 1h bar"');
    // bad splits are named
    const bad = io();
    expect(await main(['eval', '--model', 'm.json', '--from', '2019-10-01', '--config', 'btc.yaml'], bad)).toBe(2);
    expect(bad.err()).toContain('--from and --until split a recorded folder: they go with --data');
    const empty = io();
    expect(await main(['train', '--data', dir, '--until', '2010-01-01', '--config', 'btc.yaml', '--out', 'x.json'], empty)).toBe(2);
    expect(empty.err()).toMatch(/has no bars between .* and 2010-01-01T00:00:00Z/);
  }, 180_000);
});

describe('the synthetic market\'s pumps against the real ones (coce data pump-stats, hourly bars)', () => {
  it('the generator (seed 1, 180 days) within the stated tolerances of the 115 Binance pumps', async () => {
    const cwd = tmp();
    const dir = (await pumps1h()).dir;
    const stats = async (args: string[], out: string) => {
      const io = memoryIo(cwd, { LOG_LEVEL: 'error' });
      expect(await main(['data', 'pump-stats', ...args, '--json', out, '--config', BASE_YAML], io), io.err()).toBe(0);
      return { text: io.out(), s: JSON.parse(readFileSync(join(cwd, out), 'utf8')) as Record<string, number> };
    };
    const real = await stats([dir], 'real.json');
    const syn = await stats(['--seed', '1', '--days', '180'], 'syn.json');
    expect(real.text).toContain('share peaking in the start hour        +91.0 %');
    const r4 = (s: Record<string, number>) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, +v.toFixed(4)]));
    expect(r4(real.s)).toEqual({ events: 111, measured: 111, preDrift6h: 0.0347, volumeZLastHour: 1.6512, volumeZAnnouncementHour: 5.677, volumeMultiple: 98.6948, peakFirstHour: 0.1388, sharePeakInFirstHour: 0.9099, retained24h: -0.0208, halfLifeHours: 0, shareHours15To20Utc: 0.9009, shareOnRepeatCoins: 0.8018 });
    expect(r4(syn.s)).toEqual({ events: 179, measured: 173, preDrift6h: 0.0353, volumeZLastHour: 1.5858, volumeZAnnouncementHour: 5.9646, volumeMultiple: 12.044, peakFirstHour: 0.1504, sharePeakInFirstHour: 0.8728, retained24h: -0.03, halfLifeHours: 0, shareHours15To20Utc: 0.9385, shareOnRepeatCoins: 0.8715 });
    // the tolerances the README states; the volume multiple is not held (real hourly volume is far spikier, so the
    // same surprise needs a larger multiple: the generator matches the surprise, which is what a detector sees)
    const tolerance: Record<string, number> = { preDrift6h: 0.015, volumeZLastHour: 0.5, volumeZAnnouncementHour: 1, peakFirstHour: 0.04, sharePeakInFirstHour: 0.08, retained24h: 0.02, halfLifeHours: 1, shareHours15To20Utc: 0.08, shareOnRepeatCoins: 0.15 };
    for (const [k, tol] of Object.entries(tolerance)) expect(Math.abs(syn.s[k]! - real.s[k]!), k).toBeLessThanOrEqual(tol);
  }, 120_000);
});

describe('the pump model on the real pumps at 5m, split by time: coce data import, train --data, eval --json', () => {
  it('the model beside the three Kamps-Kleinberg settings and the in-pump view (deterministic figures)', async () => {
    const cwd = tmp();
    const io = () => memoryIo(cwd, { LOG_LEVEL: 'error' });
    // a 5m run: the bar interval and an order time-to-live inside one bar, BTC pairs at a fixed rate
    writeFileSync(
      join(cwd, 'btc5m.yaml'),
      readFileSync(BASE_YAML, 'utf8').replace(/^ {2}quote_usd: null/m, '  quote_usd: 8000').replace(/^ {2}bar_interval: 1h/m, '  bar_interval: 5m').replace(/^ {2}order_ttl_ms: 600000/m, '  order_ttl_ms: 120000'),
    );
    const imp = io();
    expect(await main(['data', 'import', '--format', 'trades', '--timeframe', '5m', '--pumps', PUMP_LIST, '--out', 'p5m', PUMP_TRADES], imp), imp.err()).toBe(0);
    expect(imp.out()).toMatch(/p5m: 50 pairs, 572261 bars of 5m quoted in BTC, 111 pump events/);
    const train = io();
    expect(await main(['train', '--data', 'p5m', '--until', '2019-10-01', '--config', 'btc5m.yaml', '--out', 'm5.json'], train), train.err()).toBe(0);
    expect(train.out()).toMatch(/484\.38 days \(134692 rows, 1800 positive; 21 features, inputs: candles, trades\)/);
    const ev = io();
    expect(await main(['eval', '--model', 'm5.json', '--data', 'p5m', '--from', '2019-10-01', '--config', 'btc5m.yaml', '--json', 'e5.json'], ev), ev.err()).toBe(0);
    const r = JSON.parse(readFileSync(join(cwd, 'e5.json'), 'utf8')) as { rows: number; events: number; model: Record<string, number>; baselines: Record<string, number>[]; inPump: { f1: number; caughtWithinHour: number; medianMinutesToAlarm: number }[] };
    expect([r.rows, r.events]).toEqual([203077, 40]);
    const fig = (d: Record<string, number>) => [d.f1, d.prAuc, d.eventsDetected, d.shareFlaggedBeforeStart, d.falseAlarmsPerAssetDay].map((x) => +x!.toFixed(4));
    expect(fig(r.model)).toEqual([0.0236, 0.0524, 17, 0.425, 0.1971]);
    expect(r.baselines.map(fig)).toEqual([
      [0.0227, 0.0206, 18, 0.425, 0.2822],
      [0.0112, 0.0181, 15, 0.35, 0.2482],
      [0.0034, 0.0178, 5, 0.1, 0.0851],
    ]);
    expect(r.inPump.map((d) => [+d.f1.toFixed(4), d.caughtWithinHour, d.medianMinutesToAlarm])).toEqual([
      [0.4516, 24, 5],
      [0.0077, 10, 7.5],
    ]);
  }, 600_000);
});
