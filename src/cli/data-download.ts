import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { createCcxtExchange } from '../data_ingest/live/ccxt-spot-feed.js';
import { downloadHistory, type HistoryExchange } from '../data_ingest/download/download-history.js';
import { TIMEFRAME_LIST } from '../data_ingest/recorded/market-files.js';
import { UsageError } from '../utils/errors.js';
import type { Logger } from '../utils/logger.js';
import { formatImportSummary, type DataCommandContext } from './data-import.js';
import { dateArg, intArg, timeframeArg } from './options.js';
import { progressBar } from './progress-bar.js';

const symbolsArg = (v: string): string[] => {
  const list = v.split(',').map((s) => s.trim().toUpperCase()).filter((s) => s !== '');
  const bad = list.filter((s) => !/^[A-Z0-9]+\/[A-Z0-9]+$/.test(s));
  if (list.length === 0 || bad.length > 0) throw new InvalidArgumentError(`must be pairs as BASE/QUOTE separated by commas (ADA/USDT,SOL/USDT), got "${v}"`);
  return [...new Set(list)];
};

export interface DownloadCommandContext extends DataCommandContext {
  log: () => Logger;
  /** Builds the ccxt exchange (tests may hand in their own). */
  exchange?: (id: string, apiUrl: string | null, timeoutMs: number) => Promise<HistoryExchange>;
}

/** `coce data download`: history through ccxt, staged resumably, into a recorded market folder. */
export function registerDataDownload(data: Command, ctx: DownloadCommandContext): void {
  data
    .command('download')
    .description('download history through ccxt (OHLCV, or trades with --trades) into a recorded market folder for --data; run it again to resume')
    .requiredOption('--exchange <id>', 'ccxt exchange id (binance, kraken, ...)')
    .option('--symbols <list>', 'pairs as BASE/QUOTE, comma-separated (ADA/USDT,SOL/USDT)', symbolsArg)
    .option('--top <n>', 'instead of --symbols: the N pairs of --quote with the largest 24 h quote volume now', intArg(1, '--top', 1000))
    .option('--quote <currency>', 'quote currency for --top (default: universe.quote)')
    .requiredOption('--timeframe <tf>', `bar size: ${TIMEFRAME_LIST}`, timeframeArg)
    .requiredOption('--since <date>', 'first bar (UTC date or date-time)', dateArg)
    .option('--until <date>', 'end, exclusive (default: the last bar closed when the download first ran)', dateArg)
    .requiredOption('--out <dir>', 'folder to create (or the folder of an interrupted download, to resume it)')
    .option('--trades', 'download trades (fetchTrades) and build the bars from them: trade count, buy share, rush orders')
    .option('--pumps <file>', 'a pump list (pump_telegram.csv layout): its pumps on downloaded pairs become labelled events')
    .option('--pumps-exchange <id>', 'the exchange whose listed pumps count', 'binance')
    .option('--warmup-days <n>', 'days at the start that only warm a run up', intArg(0, '--warmup-days', 3650), 0)
    .option('--config <file>', 'main config file (market.sources for the exchange URL and timeouts, execution.retries)')
    .action(
      async (f: { exchange: string; symbols?: string[]; top?: number; quote?: string; timeframe: string; since: number; until?: number; out: string; trades?: boolean; pumps?: string; pumpsExchange: string; warmupDays: number; config?: string }) => {
        if ((f.symbols === undefined) === (f.top === undefined)) throw new UsageError('give either --symbols or --top (one of them)');
        if (f.symbols !== undefined && f.quote !== undefined) throw new UsageError('--quote goes with --top; --symbols name their quote currency');
        const cfg = ctx.config(f);
        const src = cfg.market.sources;
        // public history needs no keys: none are handed to the exchange
        const ex = await (ctx.exchange ?? ((id, apiUrl, timeoutMs) => createCcxtExchange({ exchangeId: id, sandbox: false, apiUrl, timeoutMs }) as Promise<unknown> as Promise<HistoryExchange>))(
          f.exchange,
          src.exchangeApiUrl,
          src.requestTimeoutMs,
        );
        const bar = ctx.stdout.isTTY === true ? await progressBar(ctx.stdout, 'download', 'pairs') : null;
        const t0 = performance.now();
        const summary = await downloadHistory(ex, {
          exchangeId: f.exchange,
          symbols: f.symbols ?? null,
          top: f.top ?? null,
          quote: (f.quote ?? cfg.universe.quote).toUpperCase(),
          timeframe: f.timeframe,
          sinceMs: f.since,
          untilMs: f.until ?? null,
          trades: f.trades === true,
          out: resolve(ctx.cwd, f.out),
          nowMs: () => Date.now(),
          retry: { retries: src.maxRetries, baseDelayMs: cfg.execution.retries.baseDelayMs, maxDelayMs: cfg.execution.retries.maxDelayMs, sleep: (ms) => new Promise((r) => setTimeout(r, ms)), log: ctx.log() },
          progress: (_pair, done, total) => bar?.update(done, total),
          folder: {
            ...(f.pumps === undefined ? {} : { pumps: resolve(ctx.cwd, f.pumps) }),
            pumpsExchange: f.pumpsExchange,
            warmupDays: f.warmupDays,
            majors: cfg.universe.majors,
          },
        });
        bar?.stop();
        const resumed = summary.resumedRows > 0 ? `, ${summary.resumedRows} resumed from an earlier run` : '';
        ctx.say(`${f.exchange}: ${summary.fetchedRows} ${f.trades === true ? 'trades' : 'bars'} fetched in ${summary.requests} requests${resumed}`);
        ctx.say(formatImportSummary(summary, (performance.now() - t0) / 1000));
      },
    );
}
