import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { syntheticOptions } from '../agent/build-engine.js';
import { generateMarketFiles } from '../data_ingest/recorded/generate-market-files.js';
import { checkLookahead, checkWarmup, type CheckOptions } from '../research/checks.js';
import { loadConfig } from '../utils/config.js';
import { CheckFailedError } from '../utils/errors.js';
import { barMsOf, cycleOfOpenMs } from '../utils/time.js';
import { configPath, type CliContext } from './context.js';
import { configOption, intArg, MAX_DAYS, noSleeveConfigOption, sleeveConfigOption } from './options.js';

interface CheckFlags {
  data?: string;
  days?: number;
  config?: string;
  sleeveConfig?: string | false;
}

/**
 * The data a check runs on: --data as given, or the synthetic market of the config (sim.seed) written to a scratch
 * folder first, so that a cut copy of it can lack bars.
 */
async function withCheckData<T>(ctx: CliContext, f: CheckFlags, run: (o: CheckOptions) => Promise<T>, historyDays?: number): Promise<T> {
  const { io, say } = ctx;
  const configFile = configPath(f.config, 'config/base.yaml', io.cwd);
  const sleeveConfigFile = f.sleeveConfig === false ? null : configPath(f.sleeveConfig, 'config/sleeve.yaml', io.cwd);
  const base = { configFile, sleeveConfigFile, cwd: io.cwd, say, ...(f.days === undefined ? {} : { days: f.days }) };
  if (f.data !== undefined) return run({ ...base, dataDir: resolve(io.cwd, f.data) });
  const { cfg } = loadConfig(configFile, sleeveConfigFile);
  const barMs = barMsOf(cfg.schedule.barInterval);
  const scratch = mkdtempSync(join(tmpdir(), 'coce-check-market-'));
  try {
    const dataDir = join(scratch, 'market');
    const days = f.days ?? 14;
    const market = syntheticOptions(cfg, cfg.sim.seed, cycleOfOpenMs(Date.parse(cfg.sim.start), barMs), barMs);
    // the warm-up check cuts the history shorter: it starts from more of it than the config's warm-up
    generateMarketFiles(historyDays === undefined ? market : { ...market, warmupDays: historyDays }, days, dataDir);
    say(`the synthetic market (seed ${cfg.sim.seed}, ${days} days after ${historyDays ?? market.warmupDays} days of history) written to a scratch folder`);
    return await run({ ...base, dataDir, days });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

const dataOptions = (c: Command) =>
  c
    .option('--data <dir>', 'a recorded folder (coce data import / generate); default: the synthetic market of the config')
    .option('--days <n>', 'days of the run (default: 14 of the synthetic market, or all of --data)', intArg(1, '--days', MAX_DAYS))
    .addOption(configOption())
    .addOption(sleeveConfigOption())
    .addOption(noSleeveConfigOption());

/** `coce check lookahead` and `coce check warmup`: proofs that back-tests neither see the future nor depend on the warm-up. */
export function registerCheck(program: Command, ctx: CliContext): void {
  const check = program.command('check').description('prove back-tests clean: no decision uses a later bar (lookahead), none depends on the warm-up beyond a minimum (warmup)');
  dataOptions(check.command('lookahead').description('run on the whole data and on copies cut after several bars: every decision at a bar both have must be the same'))
    .option('--cuts <n>', 'cut points spread over the run', intArg(1, '--cuts', 50), 3)
    .action(async (f: CheckFlags & { cuts: number }) => {
      const r = await withCheckData(ctx, f, (o) => checkLookahead({ ...o, cuts: f.cuts }));
      ctx.say(r.text);
      if (!r.ok) throw new CheckFailedError('a decision depends on later bars (above)');
    });
  dataOptions(check.command('warmup').description('run with the history before the first bar cut shorter and shorter: decisions must not change from the stated minimum on'))
    .option('--min-days <n>', 'the warm-up the engine is said to need: any longer one must decide the same', intArg(0, '--min-days', 3650), 60)
    .option('--step-days <n>', 'warm-up lengths tried, this many days apart', intArg(1, '--step-days', 365), 10)
    .option('--history-days <n>', 'without --data: days of synthetic history to start from (the longest warm-up)', intArg(1, '--history-days', 3650), 90)
    .action(async (f: CheckFlags & { minDays: number; stepDays: number; historyDays: number }) => {
      const r = await withCheckData(ctx, f, (o) => checkWarmup({ ...o, minDays: f.minDays, stepDays: f.stepDays }), f.historyDays);
      ctx.say(r.text);
      if (!r.ok) throw new CheckFailedError('decisions depend on the warm-up past the stated minimum (above)');
    });
}
