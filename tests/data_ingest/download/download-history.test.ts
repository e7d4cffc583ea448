import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCcxtExchange } from '../../../src/data_ingest/live/ccxt-spot-feed.js';
import { downloadHistory, type DownloadOptions, type HistoryExchange } from '../../../src/data_ingest/download/download-history.js';
import { StagedFile } from '../../../src/data_ingest/download/staged-file.js';
import { importMarket } from '../../../src/data_ingest/import/import-market.js';
import { main } from '../../../src/cli.js';
import { BASE_YAML, memoryIo, memoryLogger, tmp } from '../../helpers.js';
import { spawnCoce } from '../../e2e/process.js';
import { binanceRoutes, closeAt } from '../live/binance-mock.js';
import { LoopbackServer } from '../live/loopback-server.js';

const H = 3_600_000;
const NOW = Date.parse('2026-01-10T12:30:00Z');
const SINCE = Date.parse('2025-09-01T00:00:00Z');
const UNTIL = SINCE + 2500 * H; // three pages of 1000 bars

const routes = () => binanceRoutes({ bases: ['BTC', 'ETH', 'ABC', 'XYZ'], nowMs: () => NOW, tradesPerHour: { ABC: 1200 } });

describe('coce data download: history through the real ccxt client against a loopback Binance', () => {
  const srv = new LoopbackServer(routes());
  let ex: HistoryExchange;
  const waits: number[] = [];
  const opts = (out: string, o: Partial<DownloadOptions> = {}): DownloadOptions => ({
    exchangeId: 'binance',
    symbols: ['ABC/USDT', 'XYZ/USDT'],
    top: null,
    quote: 'USDT',
    timeframe: '1h',
    sinceMs: SINCE,
    untilMs: UNTIL,
    trades: false,
    out,
    nowMs: () => NOW,
    retry: { retries: 3, baseDelayMs: 5, maxDelayMs: 5000, sleep: (ms) => (waits.push(ms), Promise.resolve()), log: memoryLogger().log },
    folder: { pumpsExchange: 'binance', warmupDays: 0, majors: ['BTC', 'ETH'] },
    ...o,
  });
  beforeAll(async () => {
    await srv.start();
    ex = (await createCcxtExchange({ exchangeId: 'binance', sandbox: false, apiUrl: `${srv.base}/api/v3`, timeoutMs: 2000, rateLimitMs: 1 })) as unknown as HistoryExchange;
  });
  afterAll(() => srv.stop());

  it('pages OHLCV by since, waits out a 429 for as long as Retry-After says, and builds the folder as `data import` does from the same rows', async () => {
    const out = join(tmp(), 'dl');
    srv.fail('/api/v3/klines', { status: 429, body: { code: -1003, msg: 'Too many requests' }, headers: { 'retry-after': '2' } });
    const before = srv.count('/api/v3/klines');
    waits.length = 0;
    const s = await downloadHistory(ex, opts(out));
    expect(srv.count('/api/v3/klines') - before).toBe(1 + 2 * 3); // the 429, then three pages per pair
    expect(waits).toEqual([2000]);
    expect(s.fetchedRows).toBe(5000);
    expect(s.resumedRows).toBe(0);
    expect(s.pairs.map((p) => [p.symbol, p.bars, p.firstOpenMs, p.lastOpenMs, p.gaps])).toEqual([
      ['ABC', 2500, SINCE, UNTIL - H, 0],
      ['XYZ', 2500, SINCE, UNTIL - H, 0],
    ]);
    const staged = readFileSync(join(out, 'download', 'ABC_USDT-1h.csv'), 'utf8').trim().split('\n');
    expect(staged[0]).toBe('open_ms,open,high,low,close,volume_base');
    expect(staged).toHaveLength(2501);
    expect(staged[11]!.split(',').map(Number).slice(0, 5)).toEqual([SINCE + 10 * H, closeAt('ABC', SINCE + 9 * H), expect.any(Number), expect.any(Number), closeAt('ABC', SINCE + 10 * H)]);

    // the same rows as freqtrade JSON files, through `data import`: the same bars, liquidity and pair reports
    const ft = join(tmp(), 'ft');
    mkdirSync(ft);
    for (const pair of ['ABC', 'XYZ']) {
      const rows = readFileSync(join(out, 'download', `${pair}_USDT-1h.csv`), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number));
      writeFileSync(join(ft, `${pair}_USDT-1h.json`), JSON.stringify(rows));
    }
    const imported = await importMarket({ format: 'freqtrade', paths: [ft], out: join(tmp(), 'imp'), pumpsExchange: 'binance', warmupDays: 0, majors: ['BTC', 'ETH'] });
    for (const f of ['bars.csv', 'liquidity.csv']) expect(readFileSync(join(out, f), 'utf8')).toBe(readFileSync(join(imported.dir, f), 'utf8'));
    const strip = (p: (typeof s.pairs)[number]) => ({ ...p, files: [] });
    expect(s.pairs.map(strip)).toEqual(imported.pairs.map(strip));
    expect(s.meta.source).toBe('download:binance');
    expect(JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8'))).toMatchObject({ format: 'coce-market/2', quote: 'USDT', timeframe: '1h', symbols: ['ABC', 'XYZ'], inputs: [] });
  });

  it('resumes an interrupted download from its last whole row: a torn line is dropped, no row is staged twice, the folder equals an uninterrupted one', async () => {
    const whole = join(tmp(), 'whole');
    await downloadHistory(ex, opts(whole));
    const out = join(tmp(), 'dl');
    // the second page of XYZ fails for good: the download stops with ABC staged and XYZ half staged
    let pages = 0;
    const failing: HistoryExchange = {
      ...ex,
      loadMarkets: (r) => ex.loadMarkets(r),
      fetchTickers: (s) => ex.fetchTickers(s),
      fetchTrades: (...a) => ex.fetchTrades(...a),
      fetchOHLCV: (...a) => {
        if (a[0] === 'XYZ/USDT' && ++pages === 2) return Promise.reject(new Error('connection reset by a test'));
        return ex.fetchOHLCV(...a);
      },
    };
    await expect(downloadHistory(failing, opts(out))).rejects.toThrow(/connection reset by a test/);
    expect(readFileSync(join(out, 'download', 'XYZ_USDT-1h.csv'), 'utf8').trim().split('\n')).toHaveLength(1001);
    appendFileSync(join(out, 'download', 'XYZ_USDT-1h.csv'), `${SINCE + 1000 * H},0.00005,0.0000`); // a kill mid-write
    const before = srv.count('/api/v3/klines');
    const s = await downloadHistory(ex, opts(out));
    expect(srv.count('/api/v3/klines') - before).toBe(2); // XYZ's last two pages only
    expect(s.resumedRows).toBe(3500); // ABC whole, XYZ's first page
    expect(s.fetchedRows).toBe(1500);
    const rows = readFileSync(join(out, 'download', 'XYZ_USDT-1h.csv'), 'utf8').trim().split('\n').slice(1);
    expect(new Set(rows.map((r) => r.split(',')[0])).size).toBe(2500);
    for (const f of ['bars.csv', 'liquidity.csv', 'download/ABC_USDT-1h.csv', 'download/XYZ_USDT-1h.csv']) expect(readFileSync(join(out, f), 'utf8')).toBe(readFileSync(join(whole, f), 'utf8'));
    // run again when complete: nothing fetched, the same folder
    const again = await downloadHistory(ex, opts(out));
    expect([again.fetchedRows, again.requests]).toEqual([0, 0]);
    // another request in the same folder is refused, naming what is there
    await expect(downloadHistory(ex, opts(out, { timeframe: '5m' }))).rejects.toThrow(/holds a download with other options .*"timeframe":"1h".*: run it again with the same options to resume it, or choose a new --out folder/);
  });

  it('--top N takes the pairs of the quote currency with the most 24 h quote volume; unknown symbols and mixed quotes are refused', async () => {
    const s = await downloadHistory(ex, opts(join(tmp(), 'top'), { symbols: null, top: 2, untilMs: SINCE + 48 * H }));
    expect(s.pairs.map((p) => p.symbol)).toEqual(['BTC', 'ETH']);
    await expect(downloadHistory(ex, opts(join(tmp(), 'x'), { symbols: ['ABC/USDT', 'NOPE/USDT'] }))).rejects.toThrow('--symbols: NOPE/USDT not listed on binance (symbols are BASE/QUOTE, as ccxt names them)');
    const dir = tmp();
    writeFileSync(join(dir, 'keep.txt'), 'x');
    await expect(downloadHistory(ex, opts(dir))).rejects.toThrow(/is not an empty folder and holds no download to resume/);
    expect(readFileSync(join(dir, 'keep.txt'), 'utf8')).toBe('x');
  });

  it('--trades: fetchTrades by hour windows, pages of 1000 inside an hour, each trade once; bars with trade count, buy share and rush orders', async () => {
    const out = join(tmp(), 'tr');
    const s = await downloadHistory(ex, opts(out, { symbols: ['ABC/USDT'], trades: true, untilMs: SINCE + 3 * H }));
    expect(s.fetchedRows).toBe(3600);
    const staged = readFileSync(join(out, 'download', 'ABC_USDT-trades.csv'), 'utf8').trim().split('\n');
    expect(staged[0]).toBe('symbol,timestamp,id,side,price,amount,cost');
    const ids = staged.slice(1).map((l) => Number(l.split(',')[2]));
    expect(ids).toEqual(Array.from({ length: 3600 }, (_, i) => (SINCE / H) * 1200 + i));
    const bars = readFileSync(join(out, 'bars.csv'), 'utf8').trim().split('\n');
    expect(bars[0]).toBe('cycle,symbol,open_ms,open,high,low,close,volume_base,volume_quote,trades,buy_share,rush_orders');
    expect(bars).toHaveLength(4);
    // 1200 trades an hour, 600 milliseconds with two each, every third a sell; a rush order: two buys at one millisecond
    const [, , openMs, , , , , volumeBase, , trades, buyShare, rush] = bars[1]!.split(',');
    expect([Number(openMs), Number(trades)]).toEqual([SINCE, 1200]);
    const hour = staged.slice(1, 1201).map((l) => l.split(','));
    const vol = hour.reduce((a, r) => a + Number(r[5]), 0);
    expect(Number(volumeBase)).toBeCloseTo(vol, 9);
    const quote = (rows: string[][]) => rows.reduce((a, r) => a + Number(r[6]), 0); // buy share of the quote volume
    expect(Number(buyShare)).toBeCloseTo(quote(hour.filter((r) => r[3] === 'buy')) / quote(hour), 12);
    const byMs = new Map<string, string[]>();
    for (const r of hour) byMs.set(r[1]!, [...(byMs.get(r[1]!) ?? []), r[3]!]);
    expect(Number(rush)).toBe([...byMs.values()].filter((sides) => sides.filter((x) => x === 'buy').length >= 2).length);
  });

  it('the StagedFile refuses a file of another layout and cuts a torn header', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'a.csv'), 'something,else\n1,2\n');
    expect(() => StagedFile.open(join(dir, 'a.csv'), 'open_ms,open')).toThrow(`${join(dir, 'a.csv')} is not a staged file of this download (its first line is not "open_ms,open")`);
    writeFileSync(join(dir, 'b.csv'), 'open_');
    const f = StagedFile.open(join(dir, 'b.csv'), 'open_ms,open');
    expect([f.tornBytes, f.tail]).toEqual([5, []]);
    f.append(['1,2']);
    f.close();
    expect(readFileSync(join(dir, 'b.csv'), 'utf8')).toBe('open_ms,open\n1,2\n');
  });

  it('coce data download on the command line: a SIGKILL mid-download, then the same command again, ends as an uninterrupted run; bad options are exit 2', async () => {
    const cwd = tmp();
    const cfg = join(cwd, 'dl.yaml');
    writeFileSync(cfg, readFileSync(BASE_YAML, 'utf8').replace('exchange_api_url: null', `exchange_api_url: ${srv.base}/api/v3`));
    // the loopback's clock is NOW: bars up to it exist; the process's clock is later, so every bar asked for is closed
    const args = ['data', 'download', '--exchange', 'binance', '--symbols', 'ABC/USDT,XYZ/USDT', '--timeframe', '1h', '--since', '2025-09-01', '--until', '2025-12-14T04:00Z', '--config', cfg];
    const io = memoryIo(cwd);
    expect(await main([...args, '--out', 'whole'], io)).toBe(0);
    expect(io.out()).toContain('binance: 5000 bars fetched in 7 requests\n');
    expect(io.out()).toMatch(/whole: 2 pairs, 5000 bars of 1h quoted in USDT, 0 pump events; /);
    let child: ReturnType<typeof spawnCoce> | null = null;
    let klines = 0;
    // killed while it asks for its fourth page (ABC's three are staged by then)
    const killing = new LoopbackServer({
      ...routes(),
      '/api/v3/klines': (u, req) => {
        if (++klines === 4) child?.kill('SIGKILL');
        return routes()['/api/v3/klines']!(u, req);
      },
    });
    await killing.start();
    try {
      const kcfg = join(cwd, 'kill.yaml');
      writeFileSync(kcfg, readFileSync(BASE_YAML, 'utf8').replace('exchange_api_url: null', `exchange_api_url: ${killing.base}/api/v3`));
      const kargs = args.map((a) => (a === cfg ? kcfg : a));
      child = spawnCoce([...kargs, '--out', join(cwd, 'killed')], { cwd });
      expect((await child.done).signal).toBe('SIGKILL');
      const second = await spawnCoce([...kargs, '--out', join(cwd, 'killed')], { cwd }).done;
      expect(second.stderr).toBe('');
      expect(second.code).toBe(0);
      expect(second.stdout).toMatch(/bars fetched in \d+ requests, (2500|3500) resumed from an earlier run\n/);
    } finally {
      await killing.stop();
    }
    for (const f of ['bars.csv', 'liquidity.csv', 'download/ABC_USDT-1h.csv', 'download/XYZ_USDT-1h.csv']) expect(readFileSync(join(cwd, 'killed', f), 'utf8')).toBe(readFileSync(join(cwd, 'whole', f), 'utf8'));

    const bad = async (extra: string[], message: string) => {
      const b = memoryIo(cwd);
      expect(await main(['data', 'download', '--exchange', 'binance', '--timeframe', '1h', '--out', 'x', '--config', cfg, ...extra], b)).toBe(2);
      expect(b.err()).toContain(message);
    };
    await bad(['--since', '2025-10-01'], 'give either --symbols or --top (one of them)');
    await bad(['--since', '2025-13-01', '--top', '3'], 'must be a date (2021-01-01) or a UTC date-time');
    await bad(['--since', '2025-10-01', '--symbols', 'ABCUSDT'], 'must be pairs as BASE/QUOTE separated by commas');
    await bad(['--since', '2025-10-01', '--until', '2025-09-01', '--top', '2'], 'is not after --since');
    await bad(['--since', '2099-01-01', '--top', '2'], '--since 2099-01-01T00:00:00.000Z is not before the last closed bar');
  }, 60_000);
});
