import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { runAgent, type RunOptions } from '../agent/run-agent.js';
import { formatReport } from '../agent/state-report.js';
import { MAX_SEED } from '../utils/config-schema.js';
import type { Mode, SleeveChoice } from '../utils/env.js';
import { createLogger } from '../utils/logger.js';
import { configPath, MODES, SLEEVES, type CliContext } from './context.js';
import { configOption, intArg, MAX_DAYS, noSleeveConfigOption, nonNegativeArg, sleeveConfigOption } from './options.js';

interface RunFlags {
  mode: Mode;
  config?: string;
  sleeveConfig?: string | false;
  sleeve: SleeveChoice;
  days?: number;
  seed?: number;
  speed?: number;
  stateDir: string;
  logDir: string;
  restoreBackup?: boolean;
  confirmLive?: boolean;
  data?: string;
  cycles?: number;
  healthPort?: number;
  consolePort?: number;
}

/** `coce run`: the engine loop in any mode. */
export function registerRun(program: Command, ctx: CliContext): void {
  const { io, env, scrubber, say } = ctx;
  program
    .command('run')
    .description('run the engine loop: sim/backtest on the embedded synthetic market, testnet/live on an exchange')
    .addOption(new Option('--mode <mode>', 'sim | backtest | testnet | live').choices(MODES).default('sim'))
    .addOption(configOption())
    .addOption(sleeveConfigOption())
    .addOption(noSleeveConfigOption())
    .addOption(new Option('--sleeve <which>', 'core | convex | all').choices(SLEEVES).default('core'))
    .option('--days <n>', 'simulated days to run (default: sim.days)', intArg(1, '--days', MAX_DAYS))
    .option('--seed <n>', 'seed of every random choice, 0 .. 2^32-1 (default: sim.seed)', intArg(0, '--seed', MAX_SEED))
    .option('--cycles <n>', 'stop after this many cycles (a smoke run; overrides --days)', intArg(1, '--cycles', MAX_DAYS * 288))
    .option('--health-port <n>', 'serve /healthz and /metrics on 127.0.0.1:<n> (overrides notify.health; 0 = any free port)', intArg(0, '--health-port', 65535))
    .option('--console-port <n>', 'serve the operator console on 127.0.0.1:<n> (overrides notify.console; 0 = any free port)', intArg(0, '--console-port', 65535))
    .option('--speed <x>', 'sim pacing: simulated seconds per wall second, 0 = unpaced (default: sim.speed)', nonNegativeArg)
    .option('--state-dir <dir>', 'where state.json lives', 'data')
    .option('--log-dir <dir>', 'where the JSONL logs go', 'logs')
    .option('--restore-backup', 'start from state.json.bak (a corrupt state.json is kept aside)')
    .option('--confirm-live', 'required with --mode live')
    .option('--data <dir>', 'sim/backtest: replay a folder written by `coce data generate` instead of the generator')
    .action(async (f: RunFlags) => {
      if (env instanceof Error) throw env;
      const opts: RunOptions = {
        mode: f.mode,
        configFile: configPath(f.config, 'config/base.yaml', io.cwd),
        sleeveConfigFile: f.sleeveConfig === false ? null : configPath(f.sleeveConfig, 'config/sleeve.yaml', io.cwd),
        sleeve: f.sleeve,
        stateDir: resolve(io.cwd, f.stateDir),
        logDir: resolve(io.cwd, f.logDir),
        restoreBackup: f.restoreBackup === true,
        confirmLive: f.confirmLive === true,
        ...(f.days === undefined ? {} : { days: f.days }),
        ...(f.cycles === undefined ? {} : { cycles: f.cycles }),
        ...(f.healthPort === undefined ? {} : { healthPort: f.healthPort }),
        ...(f.consolePort === undefined ? {} : { consolePort: f.consolePort }),
        ...(f.seed === undefined ? {} : { seed: f.seed }),
        ...(f.speed === undefined ? {} : { speed: f.speed }),
        ...(f.data === undefined ? {} : { dataDir: resolve(io.cwd, f.data) }),
        cwd: io.cwd,
      };
      const log = createLogger({ level: env.logLevel, pretty: io.stdout.isTTY === true, scrubber, out: io.stdout });
      const result = await runAgent(opts, {
        env,
        log,
        signal: io.signal ?? new AbortController().signal,
        scrub: (l) => scrubber.scrub(l),
        forceExit: io.forceExit ?? (() => undefined),
      });
      const ended = result.stoppedBy === 'signal' ? 'stopped by signal (resume with the same command)' : 'end of run';
      say(
        [
          '',
          `COCE ${opts.mode} run: ${result.cyclesRun} cycles this run${result.resumedFromCycle === null ? '' : `, resumed after cycle ${result.resumedFromCycle}`}; ${ended}`,
          formatReport(result.report),
          `state           ${result.statePath}`,
          `logs            ${result.logDir}`,
        ].join('\n'),
      );
    });
}
