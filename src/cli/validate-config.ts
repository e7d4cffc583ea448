import type { Command } from 'commander';
import { HARD_LIMITS, loadConfig } from '../utils/config.js';
import { configPath, type CliContext } from './context.js';
import { noSleeveConfigOption, sleeveConfigOption } from './options.js';

/** `coce validate-config`: a config (and the sleeve file) against the schema and the hard limits. */
export function registerValidateConfig(program: Command, ctx: CliContext): void {
  const { io, say } = ctx;
  program
    .command('validate-config')
    .description('check a config file (and the sleeve file) against the schema and the hard limits')
    .argument('[file]', 'main config file (default: config/base.yaml)')
    .addOption(sleeveConfigOption())
    .addOption(noSleeveConfigOption())
    .action((file: string | undefined, f: { sleeveConfig?: string | false }) => {
      const main = configPath(file, 'config/base.yaml', io.cwd);
      const sleeve = f.sleeveConfig === false ? null : configPath(f.sleeveConfig, 'config/sleeve.yaml', io.cwd);
      const { cfg, hash, files } = loadConfig(main, sleeve);
      say(`${files.join(' + ')}: valid (config ${hash})`);
      say(
        `hard limits: risk.max_drawdown_pct ${cfg.risk.maxDrawdownPct} (<= ${HARD_LIMITS.maxDrawdownPct}), ` +
          `risk.adv_cap_pct ${cfg.risk.advCapPct} (<= ${HARD_LIMITS.advCapPct}), ` +
          `sleeve.budget_pct_nav ${cfg.sleeve.budgetPctNav} (<= ${HARD_LIMITS.sleeveBudgetPctNav})`,
      );
    });
}
