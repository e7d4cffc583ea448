import { resolve } from 'node:path';
import type { Command } from 'commander';
import { syntheticOptions } from '../agent/build-engine.js';
import { generateMarketFiles } from '../data_ingest/recorded/generate-market-files.js';
import { loadConfig } from '../utils/config.js';
import { MAX_SEED } from '../utils/config-schema.js';
import { barMsOf, cycleOfOpenMs } from '../utils/time.js';
import { configPath, type CliContext } from './context.js';
import { configOption, intArg, MAX_DAYS, noSleeveConfigOption, sleeveConfigOption } from './options.js';

/** `coce data generate`: the synthetic market written as a recorded folder, with its ground truth. */
export function registerDataGenerate(data: Command, ctx: CliContext): void {
  const { io, say } = ctx;
  data
    .command('generate')
    .description('write the synthetic market (bars, liquidity, sentiment, pump events) as CSV to a new folder')
    .requiredOption('--out <dir>', 'folder to create (must be new or empty)')
    .option('--days <n>', 'days after the warm-up history (default: sim.days)', intArg(1, '--days', MAX_DAYS))
    .option('--seed <n>', 'seed (default: sim.seed)', intArg(0, '--seed', MAX_SEED))
    .addOption(configOption())
    .addOption(sleeveConfigOption())
    .addOption(noSleeveConfigOption())
    .action((f: { out: string; days?: number; seed?: number; config?: string; sleeveConfig?: string | false }) => {
      const { cfg } = loadConfig(
        configPath(f.config, 'config/base.yaml', io.cwd),
        f.sleeveConfig === false ? null : configPath(f.sleeveConfig, 'config/sleeve.yaml', io.cwd),
      );
      const barMs = barMsOf(cfg.schedule.barInterval);
      const firstCycle = cycleOfOpenMs(Date.parse(cfg.sim.start), barMs);
      const t0 = performance.now();
      const r = generateMarketFiles(syntheticOptions(cfg, f.seed ?? cfg.sim.seed, firstCycle, barMs), f.days ?? cfg.sim.days, resolve(io.cwd, f.out));
      const s = (performance.now() - t0) / 1000;
      say(
        `${r.dir}: ${r.assets} assets x ${r.cycles} bars (${r.assetBars} asset-bars incl. warm-up history), ${r.events} pump events, ${r.hypeBursts} hype bursts; ${s.toFixed(2)} s`,
      );
    });
}
