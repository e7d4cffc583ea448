import { resolve } from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { importMarket, type ImportSummary } from '../data_ingest/import/import-market.js';
import { timeframeArg } from './options.js';
import type { Config } from '../utils/config.js';
import { progressBar } from './progress-bar.js';

export interface DataCommandContext {
  cwd: string;
  stdout: { write(s: string): unknown; isTTY?: boolean };
  say: (s: string) => void;
  config: (f: { config?: string; sleeveConfig?: string | false }) => Config;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

/** The import's summary: one line per pair (bars, span, gaps and what cleaning did), ignored files, events. */
export function formatImportSummary(s: ImportSummary, seconds: number): string {
  const lines = [
    `${s.dir}: ${s.pairs.length} pairs, ${s.assetBars} bars of ${s.timeframe} quoted in ${s.quote}, ${s.events} pump events${s.listedPumps > 0 ? ` (of ${s.listedPumps} listed)` : ''}; ${seconds.toFixed(1)} s`,
    'pair        bars  first bar         last bar          gaps (bars)  dup  order  zero-vol  notes',
  ];
  for (const p of s.pairs) {
    const notes = [
      ...p.listingPrints.map((l) => `listing print ${day(l.openMs)} (low ${l.low}, high ${l.high}) dropped`),
      ...p.redenominations.map((r) => `redenomination at ${day(r.atMs)}: earlier bars x ${r.factor}`),
      ...(p.conflictingDuplicates > 0 ? [`${p.conflictingDuplicates} conflicting duplicates (first kept)`] : []),
      ...(p.misaligned > 0 ? [`${p.misaligned} rows off the bar grid dropped`] : []),
      ...(p.overlappingTradeRows ? [`${p.overlappingTradeRows} of ${p.tradeRows} trades in overlapping files taken once`] : []),
    ];
    lines.push(
      `${p.symbol.padEnd(10)} ${String(p.bars).padStart(6)}  ${day(p.firstOpenMs)}  ${day(p.lastOpenMs)}  ${`${p.gaps} (${p.gapBars})`.padStart(11)}  ${String(p.duplicates).padStart(3)}  ${String(p.outOfOrder).padStart(5)}  ${String(p.zeroVolumeBars).padStart(8)}  ${notes.join('; ')}`,
    );
  }
  for (const i of s.ignored) lines.push(`ignored ${i.file}: ${i.why}`);
  return lines.join('\n');
}

/** `coce data import`: freqtrade candle files or exchange trades into a recorded market folder. */
export function registerDataImport(data: Command, ctx: DataCommandContext): void {
  const days = (v: string) => {
    const n = Number(v);
    if (!/^\d+$/.test(v) || n > 3650) throw new InvalidArgumentError(`must be a whole number of days from 0 to 3650, got "${v}"`);
    return n;
  };
  data
    .command('import')
    .description('import real market data (freqtrade candle files, or exchange trades) into a recorded market folder for --data')
    .argument('<path...>', 'files or folders (searched recursively)')
    .addOption(new Option('--format <format>', 'freqtrade (candles: .json, .json.gz, .feather) | trades (ccxt fetch_trades CSV, plain or .gz)').choices(['freqtrade', 'trades']).makeOptionMandatory())
    .requiredOption('--out <dir>', 'folder to create (must be new or empty)')
    .option('--timeframe <tf>', 'bar size of the folder (default: the files\' own for candles, 1h for trades); finer candle files are resampled', timeframeArg)
    .option('--pumps <file>', 'a pump list (pump_telegram.csv layout): its pumps on imported pairs become the folder\'s labelled events')
    .option('--pumps-exchange <id>', 'the exchange whose listed pumps count', 'binance')
    .option('--quote <currency>', 'keep only pairs quoted in this currency (a folder holds one)')
    .option('--warmup-days <n>', 'days at the start that only warm a run up (its first cycle comes after them)', days, 0)
    .option('--config <file>', 'main config file (its universe.majors are listed first)')
    .action(async (paths: string[], f: { format: 'freqtrade' | 'trades'; out: string; timeframe?: string; pumps?: string; pumpsExchange: string; quote?: string; warmupDays: number; config?: string }) => {
      const cfg = ctx.config(f);
      const bar = ctx.stdout.isTTY === true ? await progressBar(ctx.stdout, 'import', 'files') : null;
      const t0 = performance.now();
      const summary = await importMarket({
        format: f.format,
        paths: paths.map((p) => resolve(ctx.cwd, p)),
        out: resolve(ctx.cwd, f.out),
        ...(f.timeframe === undefined ? {} : { timeframe: f.timeframe }),
        ...(f.pumps === undefined ? {} : { pumps: resolve(ctx.cwd, f.pumps) }),
        pumpsExchange: f.pumpsExchange,
        ...(f.quote === undefined ? {} : { quote: f.quote.toUpperCase() }),
        warmupDays: f.warmupDays,
        majors: cfg.universe.majors,
        progress: (done, total) => bar?.update(done, total),
      });
      bar?.stop();
      ctx.say(formatImportSummary(summary, (performance.now() - t0) / 1000));
    });
}
