import { Command, CommanderError } from 'commander';
import { loadConfig } from './utils/config.js';
import { readEnv, SECRET_NAMES, type Env } from './utils/env.js';
import { CoceError, exitCodeOf } from './utils/errors.js';
import { createLogger } from './utils/logger.js';
import { SecretScrubber } from './utils/secret-scrubber.js';
import { configPath, mergedEnv, VERSION, type CliContext, type CliIo } from './cli/context.js';
import type { ConfigFlags } from './cli/options.js';
import { registerRun } from './cli/run.js';
import { registerBacktest } from './cli/backtest.js';
import { registerReport } from './cli/report.js';
import { registerValidateConfig } from './cli/validate-config.js';
import { registerDataGenerate } from './cli/data-generate.js';
import { registerDataImport } from './cli/data-import.js';
import { registerDataPumpStats } from './cli/data-pump-stats.js';
import { registerDataDownload } from './cli/data-download.js';
import { registerEval, registerTrain } from './cli/train-eval.js';
import { registerResume } from './cli/resume.js';
import { registerStatus } from './cli/status.js';
import { registerOptimize, registerSweep, registerWorker } from './cli/sweep.js';
import { registerCheck } from './cli/check.js';

export type { CliIo } from './cli/context.js';

/**
 * Run the `coce` command line; resolves to the process exit code (0 ok, 2 bad input, 1 unexpected failure). Each
 * command lives in a module of its own under src/cli/; this reads the environment, builds the shared context and
 * maps errors to exit codes.
 */
export async function main(argv: string[], io: CliIo): Promise<number> {
  let raw: NodeJS.ProcessEnv = io.env;
  let env: Env | Error;
  try {
    raw = mergedEnv(io);
    env = readEnv(raw);
  } catch (err) {
    env = err as Error;
  }
  // Built from the raw variables, so secrets are scrubbed even when the rest of the environment is invalid.
  const scrubber = new SecretScrubber(SECRET_NAMES.flatMap((n) => (raw[n] ? [raw[n]] : [])));
  const say = (s: string) => io.stdout.write(scrubber.scrub(s) + '\n');
  const fail = (err: unknown): number => {
    io.stderr.write(scrubber.scrub(`coce: ${(err as Error).message ?? String(err)}`) + '\n');
    // a stack only for the unexpected: a typed error (a failed check, failed sweep jobs) has said all there is
    if (exitCodeOf(err) === 1 && !(err instanceof CoceError) && err instanceof Error && err.stack) io.stderr.write(scrubber.scrub(err.stack) + '\n');
    return exitCodeOf(err);
  };
  const configFiles = (f: ConfigFlags) =>
    loadConfig(configPath(f.config, 'config/base.yaml', io.cwd), f.sleeveConfig === false ? null : configPath(f.sleeveConfig, 'config/sleeve.yaml', io.cwd)).cfg;
  const ctx: CliContext = { io, env, scrubber, say, configFiles };

  const program = new Command('coce')
    .description('Cluster Outlier Catalyst Engine: crypto micro-cap pump detection, clustered allocation, guarded execution')
    .version(VERSION, '-V, --version')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(scrubber.scrub(s)),
      writeErr: (s) => io.stderr.write(scrubber.scrub(s)),
    })
    .showHelpAfterError('(run coce --help for usage)');

  registerRun(program, ctx);
  registerBacktest(program, ctx);
  registerReport(program, ctx);
  registerValidateConfig(program, ctx);
  const data = program.command('data').description('market data folders for --data: generate the synthetic market, import real data, download it');
  registerDataGenerate(data, ctx);
  const dataCtx = { cwd: io.cwd, stdout: io.stdout, say, config: configFiles };
  registerDataImport(data, dataCtx);
  registerDataPumpStats(data, dataCtx);
  registerDataDownload(data, {
    ...dataCtx,
    // retries and warnings to stderr: stdout keeps the summary
    log: () => createLogger({ level: env instanceof Error || io.env.LOG_LEVEL === undefined ? 'warn' : env.logLevel, pretty: false, scrubber, out: io.stderr }),
  });
  registerTrain(program, dataCtx);
  registerEval(program, dataCtx);
  registerResume(program, ctx);
  registerStatus(program, ctx);
  registerSweep(program, ctx);
  registerWorker(program, ctx);
  registerOptimize(program, ctx);
  registerCheck(program, ctx);

  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    return fail(err);
  }
}
