import { basename, join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { recordedDirFor } from '../agent/build-engine.js';
import { formatSummary, summarizeBacktest } from '../agent/backtest-summary.js';
import { runAgent } from '../agent/run-agent.js';
import { readMarketMeta } from '../data_ingest/recorded/recorded-market.js';
import { loadConfig } from '../utils/config.js';
import { MAX_SEED } from '../utils/config-schema.js';
import type { SleeveChoice } from '../utils/env.js';
import { createLogger } from '../utils/logger.js';
import { configPath, SLEEVES, type CliContext } from './context.js';
import { configOption, intArg, MAX_DAYS, noSleeveConfigOption, sleeveConfigOption } from './options.js';
import { progressBar } from './progress-bar.js';

/** `coce backtest`: the full engine on the simulated clock as fast as possible, then the summary. */
export function registerBacktest(program: Command, ctx: CliContext): void {
  const { io, env, scrubber, say } = ctx;
  program
    .command('backtest')
    .description('run the full engine on the simulated clock as fast as possible and print the summary')
    .option('--days <n>', 'simulated days (default: sim.days)', intArg(1, '--days', MAX_DAYS))
    .option('--seed <n>', 'market seed (default: sim.seed)', intArg(0, '--seed', MAX_SEED))
    .addOption(configOption())
    .addOption(sleeveConfigOption())
    .addOption(noSleeveConfigOption())
    .addOption(new Option('--sleeve <which>', 'core | convex | all').choices(SLEEVES).default('core'))
    .option('--data <dir>', 'replay a folder written by `coce data generate` instead of the generator')
    .option('--out <dir>', 'run folder for state and logs (default: runs/backtest-s<seed>-<days>d)')
    .action(async (f: { days?: number; seed?: number; config?: string; sleeveConfig?: string | false; sleeve: SleeveChoice; data?: string; out?: string }) => {
      if (env instanceof Error) throw env;
      const configFile = configPath(f.config, 'config/base.yaml', io.cwd);
      const sleeveConfigFile = f.sleeveConfig === false ? null : configPath(f.sleeveConfig, 'config/sleeve.yaml', io.cwd);
      const { cfg, hash } = loadConfig(configFile, sleeveConfigFile);
      // a recorded folder is replayed to its end unless --days says otherwise
      const days = f.days ?? (recordedDirFor(cfg, f.data, io.cwd) === null ? cfg.sim.days : undefined);
      // recorded data carries its own seed (a run on it takes that one unless --seed says otherwise, and is refused then)
      const recordedDir = recordedDirFor(cfg, f.data, io.cwd);
      const seed = f.seed ?? (recordedDir === null ? cfg.sim.seed : (readMarketMeta(recordedDir).seed ?? cfg.sim.seed));
      // the config's hash is in the folder's name: another config is another back-test, never a resume of this one
      const market = recordedDir === null ? '' : `${basename(recordedDir)}-`;
      const out = resolve(io.cwd, f.out ?? join('runs', `backtest-${market}s${seed}-${days === undefined ? 'all' : `${days}d`}-${hash.slice(0, 8)}`));
      const bar = io.stdout.isTTY === true ? await progressBar(io.stdout, 'back-test', 'bars', 24) : null;
      // a back-test talks through its summary: the log shows warnings only, unless LOG_LEVEL asks for more
      const log = createLogger({ level: io.env.LOG_LEVEL === undefined ? 'warn' : env.logLevel, pretty: io.stdout.isTTY === true, scrubber, out: io.stderr });
      const started = performance.now();
      const result = await runAgent(
        {
          mode: 'backtest',
          configFile,
          sleeveConfigFile,
          sleeve: f.sleeve,
          ...(days === undefined ? {} : { days }),
          ...(f.seed === undefined && recordedDir !== null ? {} : { seed }),
          stateDir: join(out, 'data'),
          logDir: join(out, 'logs'),
          restoreBackup: false,
          confirmLive: false,
          ...(f.data === undefined ? {} : { dataDir: resolve(io.cwd, f.data) }),
          cwd: io.cwd,
        },
        { env, log, signal: io.signal ?? new AbortController().signal, scrub: (l) => scrubber.scrub(l), forceExit: io.forceExit ?? (() => undefined), progress: (done, total) => bar?.update(done, total) },
      );
      bar?.stop();
      const wallS = (performance.now() - started) / 1000;
      const r = result.run;
      const summary = summarizeBacktest(result.logDir, { startNavUsd: r.startNavUsd, barMs: r.barMs, horizonBars: r.horizonBars, pumps: result.groundTruthPumps, benchmark: cfg.universe.majors[0]!, currency: r.quote });
      const assets = r.assets;
      say(
        [
          `COCE back-test${recordedDir === null ? '' : ` on ${recordedDir}`}, seed ${seed}, ${+summary.days.toFixed(2)} days: ${result.cyclesRun} cycles in ${wallS.toFixed(1)} s (${((result.cyclesRun * assets) / wallS / 1000).toFixed(0)} k asset-bars/s)${result.stoppedBy === 'signal' ? ', stopped by signal' : ''}`,
          formatSummary(summary),
          `state and logs  ${out}`,
        ].join('\n'),
      );
    });
}
