import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openRecordedMarket, syntheticOptions } from '../../../src/agent/build-engine.js';
import { main } from '../../../src/cli.js';
import { generateMarketFiles } from '../../../src/data_ingest/recorded/generate-market-files.js';
import { RecordedMarket } from '../../../src/data_ingest/recorded/recorded-market.js';
import { SyntheticMarket } from '../../../src/data_ingest/synthetic/synthetic-market.js';
import { DataFileError } from '../../../src/utils/errors.js';
import { baseConfig, memoryIo, tmp } from '../../helpers.js';

const H = 3_600_000;
const FIRST = 490_896;
const opts = () => ({ ...syntheticOptions(baseConfig(), 4, FIRST, H), microCaps: 6, warmupDays: 2 });

describe('recorded market files', () => {
  let dir: string;
  beforeAll(() => {
    dir = join(tmp(), 'market');
    const r = generateMarketFiles(opts(), 2, dir);
    expect(r).toMatchObject({ cycles: 96, assets: 8, assetBars: 768 });
  });

  it('writes meta, bars, liquidity, sentiment, events and hype as CSV with headers', () => {
    expect(readdirSync(dir).sort()).toEqual(['bars.csv', 'events.csv', 'hype.csv', 'liquidity.csv', 'meta.json', 'sentiment.csv']);
    const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as Record<string, unknown>;
    expect(meta).toEqual({
      format: 'coce-market/2',
      source: 'synthetic-v1',
      seed: 4,
      quote: 'USDT',
      barMs: H,
      timeframe: '1h',
      historyStartCycle: FIRST - 48,
      firstCycle: FIRST,
      lastCycle: FIRST + 47,
      symbols: ['BTC', 'ETH', 'MC001', 'MC002', 'MC003', 'MC004', 'MC005', 'MC006'],
      inputs: ['marketCap', 'sentiment'],
      liquidity: 'synthetic (generated with the bars: market cap, 30-day ADV, spread estimate, 30-day realised volatility)',
    });
    const bars = readFileSync(join(dir, 'bars.csv'), 'utf8').trim().split('\n');
    expect(bars[0]).toBe('cycle,symbol,open_ms,open,high,low,close,volume_base,volume_quote');
    expect(bars).toHaveLength(1 + 96 * 8);
    const events = readFileSync(join(dir, 'events.csv'), 'utf8').trim().split('\n');
    expect(events[0]).toBe('id,symbol,accumulation_start,pump_start,peak,end,magnitude,dump_fraction,volume_multiple,hype_start');
    expect(events.length).toBeGreaterThan(1);
  });

  it('replays exactly the snapshots and history of the generator', async () => {
    const gen = new SyntheticMarket(opts());
    const rec = new RecordedMarket(dir);
    expect(rec.name).toBe(gen.name);
    expect(rec.symbols()).toEqual(gen.symbols());
    for (const c of [FIRST - 48, FIRST - 1, FIRST, FIRST + 47]) expect(await rec.snapshot(c)).toEqual(await gen.snapshot(c));
    expect(await rec.history(FIRST, 3)).toEqual(await gen.history(FIRST, 3));
    await expect(rec.snapshot(FIRST + 48)).rejects.toThrow(`covers cycles ${FIRST - 48}..${FIRST + 47}; cycle ${FIRST + 48} is outside`);
  });

  it('refuses a folder of another bar interval', () => {
    expect(() => openRecordedMarket(dir, 300_000)).toThrow(`${dir} holds 1h bars but schedule.bar_interval is 5m: set schedule.bar_interval: 1h in the config to run on it`);
  });

  it('refuses to overwrite a folder that holds files', () => {
    expect(() => generateMarketFiles(opts(), 1, dir)).toThrow(`${dir} is not empty; choose a new --out folder (nothing was overwritten)`);
  });

  it('still loads a version 1 folder (synthetic, USD, caps and sentiment), with its own headers', async () => {
    const v1 = join(tmp(), 'v1');
    generateMarketFiles(opts(), 1, v1);
    const meta = JSON.parse(readFileSync(join(v1, 'meta.json'), 'utf8')) as Record<string, unknown>;
    const { quote: _q, timeframe: _t, inputs: _i, liquidity: _l, ...old } = meta;
    writeFileSync(join(v1, 'meta.json'), JSON.stringify({ ...old, format: 'coce-market/1' }));
    for (const [file, from, to] of [
      ['bars.csv', 'volume_quote', 'volume_usd'],
      ['liquidity.csv', 'market_cap,adv_quote', 'market_cap_usd,adv_usd'],
    ] as const) writeFileSync(join(v1, file), readFileSync(join(v1, file), 'utf8').replace(from, to));
    const rec = new RecordedMarket(v1);
    expect(rec.meta).toMatchObject({ format: 'coce-market/2', quote: 'USDT', timeframe: '1h', inputs: ['sentiment', 'marketCap'] });
    expect(await rec.snapshot(FIRST)).toEqual(await new SyntheticMarket(opts()).snapshot(FIRST));
  });

  it('names a malformed meta file or CSV line', async () => {
    const bad = join(tmp(), 'bad');
    generateMarketFiles(opts(), 1, bad);
    const metaFile = join(bad, 'meta.json');
    const meta = readFileSync(metaFile, 'utf8');
    writeFileSync(metaFile, '{nope');
    expect(() => new RecordedMarket(bad)).toThrow(DataFileError);
    writeFileSync(metaFile, JSON.stringify({ ...JSON.parse(meta), format: 'other' }));
    expect(() => new RecordedMarket(bad)).toThrow(/is not a coce-market\/2 meta file: format: /);
    writeFileSync(metaFile, JSON.stringify({ ...JSON.parse(meta), firstCycle: 1 }));
    expect(() => new RecordedMarket(bad)).toThrow('cycles must satisfy historyStartCycle <= firstCycle <= lastCycle');
    writeFileSync(metaFile, meta);
    const barsFile = join(bad, 'bars.csv');
    const lines = readFileSync(barsFile, 'utf8').split('\n');
    writeFileSync(barsFile, [lines[0], lines[1], lines[2]!.replace(/,[^,]+$/, ',12x'), ...lines.slice(3)].join('\n'));
    await expect(new RecordedMarket(bad).snapshot(FIRST)).rejects.toThrow(`${barsFile}:3: "12x" is not a number`);
    writeFileSync(barsFile, [lines[0], 'garbage', ...lines.slice(2)].join('\n'));
    await expect(new RecordedMarket(bad).snapshot(FIRST)).rejects.toThrow(`${barsFile}:2: malformed row "garbage"`);
    writeFileSync(barsFile, ['cycle,symbol', ...lines.slice(1)].join('\n'));
    await expect(new RecordedMarket(bad).snapshot(FIRST)).rejects.toThrow(`${barsFile}:1: header must be`);
    expect(() => new RecordedMarket(join(tmp(), 'none'))).toThrow('meta.json not found: --data needs a folder written by `coce data generate`');
  });

  it('refuses duplicated, out-of-order, unknown, missing and cut-short rows, naming file and line (never merged or sorted)', async () => {
    const bad = join(tmp(), 'bad');
    generateMarketFiles(opts(), 1, bad);
    const barsFile = join(bad, 'bars.csv');
    const lines = readFileSync(barsFile, 'utf8').split('\n');
    const load = (rows: string[]) => {
      writeFileSync(barsFile, rows.join('\n'));
      return new RecordedMarket(bad).snapshot(FIRST);
    };
    // lines[1..8] are the first cycle (FIRST - 48, two warm-up days) for the 8 symbols
    await expect(load([lines[0]!, lines[1]!, lines[2]!, lines[1]!, ...lines.slice(3)])).rejects.toThrow(`${barsFile}:4: a second row for BTC at cycle ${FIRST - 48} (the first is line 2): duplicates are not merged`);
    await expect(load([lines[0]!, lines[9]!, lines[1]!, ...lines.slice(2, 9), ...lines.slice(10)])).rejects.toThrow(`${barsFile}:3: a row of cycle ${FIRST - 48} after one of cycle ${FIRST - 47}: rows must be in cycle order`);
    await expect(load([lines[0]!, lines[1]!.replace(',BTC,', ',DOGE,'), ...lines.slice(2)])).rejects.toThrow(`${barsFile}:2: symbol "DOGE" is not one of meta.json's symbols`);
    await expect(load([lines[0]!, lines[1]!.replace(`${FIRST - 48},`, '12,'), ...lines.slice(2)])).rejects.toThrow(`${barsFile}:2: cycle 12 is outside meta.json's range ${FIRST - 48}..${FIRST + 23}`);
    await expect(load([lines[0]!, ''])).rejects.toThrow(`${barsFile} holds no bars: the folder has nothing to replay`);
    await expect(load([lines[0]!])).rejects.toThrow(`${barsFile} holds no bars`);
    await expect(load(lines.filter((l) => !l.includes(',MC003,')))).rejects.toThrow(`${barsFile} has no bar for MC003, listed in meta.json's symbols`);
    await expect(load(lines.filter((l) => !l.startsWith(`${FIRST + 23},`)))).rejects.toThrow(`${barsFile} ends at cycle ${FIRST + 22}, but meta.json says the data runs to cycle ${FIRST + 23}: the file is cut short`);
    await expect(load(lines)).resolves.toMatchObject({ cycle: FIRST });
  });
});

describe('coce data generate + run --data', () => {
  it('round-trips: a run on the written files equals the run on the generator with the same seed', async () => {
    const cwd = tmp();
    const gen = memoryIo(cwd, { LOG_LEVEL: 'warn' });
    expect(await main(['data', 'generate', '--days', '2', '--seed', '8', '--out', 'mkt'], gen)).toBe(0);
    expect(gen.out()).toMatch(/mkt: 82 assets x 768 bars \(62976 asset-bars incl\. warm-up history\), \d+ pump events, \d+ hype bursts; [\d.]+ s\n$/);
    const io1 = memoryIo(cwd, { LOG_LEVEL: 'warn' });
    expect(await main(['run', '--data', 'mkt', '--days', '2', '--seed', '8', '--state-dir', 'a/data', '--log-dir', 'a/logs'], io1)).toBe(0);
    const io2 = memoryIo(cwd, { LOG_LEVEL: 'warn' });
    expect(await main(['run', '--days', '2', '--seed', '8', '--state-dir', 'b/data', '--log-dir', 'b/logs'], io2)).toBe(0);
    for (const f of ['data/state.json', 'logs/equity.jsonl', 'logs/meta_events.jsonl', 'logs/trades.jsonl']) {
      expect(readFileSync(join(cwd, 'a', f), 'utf8')).toBe(readFileSync(join(cwd, 'b', f), 'utf8'));
    }
    const long = memoryIo(cwd);
    expect(await main(['run', '--data', 'mkt', '--days', '3', '--state-dir', 'c/data', '--log-dir', 'c/logs'], long)).toBe(2);
    expect(long.err()).toContain('mkt covers 2 days from the run\'s first cycle; --days 3 asks for more');
    const live = memoryIo(cwd, { EXCHANGE_API_KEY: 'k-1234567', EXCHANGE_API_SECRET: 's-1234567', TWITTER_BEARER: 'b-1234567' });
    expect(await main(['run', '--mode', 'testnet', '--data', 'mkt'], live)).toBe(2);
    expect(live.err()).toContain('recorded data (--data) is for sim and backtest, not testnet');
    const again = memoryIo(cwd);
    expect(await main(['data', 'generate', '--out', 'mkt'], again)).toBe(2);
    // the data's seed is the run's seed
    const wrongSeed = memoryIo(cwd);
    expect(await main(['run', '--data', 'mkt', '--days', '1', '--seed', '3', '--state-dir', 'd/data', '--log-dir', 'd/logs'], wrongSeed)).toBe(2);
    expect(wrongSeed.err()).toContain(`--seed 3 does not match the recorded data's seed 8 (${join(cwd, 'mkt')})`);
    expect(await main(['run', '--data', 'mkt', '--days', '1', '--state-dir', 'e/data', '--log-dir', 'e/logs'], memoryIo(cwd, { LOG_LEVEL: 'warn' }))).toBe(0);
    expect((JSON.parse(readFileSync(join(cwd, 'e', 'data', 'state.json'), 'utf8')) as { run: { seed: number } }).run.seed).toBe(8);
  });
});
