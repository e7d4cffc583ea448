import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnv } from 'node:util';
import { Command, CommanderError, Option } from 'commander';
import { recordedDirFor, syntheticOptions } from './agent/build-engine.js';
import { readMarketMeta } from './data_ingest/recorded/recorded-market.js';
import { MIN_REASON_CHARS, resumeTrading } from './agent/resume.js';
import { runAgent, type RunOptions } from './agent/run-agent.js';
import { generateMarketFiles } from './data_ingest/recorded/generate-market-files.js';
import { barMsOf, cycleOfOpenMs } from './utils/time.js';
import { formatReport, reportState } from './agent/state-report.js';
import { FileStateStore } from './state/state-store.js';
import { HARD_LIMITS, loadConfig } from './utils/config.js';
import { MAX_SEED } from './utils/config-schema.js';
import { readEnv, SECRET_NAMES, type Env, type Mode, type SleeveChoice } from './utils/env.js';
import { exitCodeOf, StateError, UsageError } from './utils/errors.js';
import { createLogger } from './utils/logger.js';
import { formatSummary, summarizeBacktest } from './agent/backtest-summary.js';
import { isReviewHtml, loadReview, reviewFigures, reviewHtml, reviewText } from './ops/review-report.js';
import { LogNotifier } from './utils/notifier.js';
import { FanOutNotifier, SlackNotifier } from './ops/slack-notifier.js';
import { SecretScrubber } from './utils/secret-scrubber.js';
import { writeOutputFile } from './utils/output-file.js';
import { registerDataImport } from './cli/data-import.js';
import { registerDataDownload } from './cli/data-download.js';
import { registerEval, registerTrain } from './cli/train-eval.js';
import { configOption, intArg, MAX_DAYS, noSleeveConfigOption, nonNegativeArg, sleeveConfigOption } from './cli/options.js';

/** The package root (holds package.json and the default config/), from dist/src/cli.js or src/cli.ts. */
const PACKAGE_ROOT = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return dir;
})();
const VERSION = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

export interface CliIo {
  /** The process environment; `.env` in `cwd` is merged under it (the environment wins). */
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown };
  /** Stops a run early (SIGINT/SIGTERM in the real process). */
  signal?: AbortSignal;
  /** Hard exit when a stop does not complete in time; the real process exits 1. */
  forceExit?: () => void;
}

const MODES: Mode[] = ['sim', 'backtest', 'testnet', 'live'];
const SLEEVES: SleeveChoice[] = ['core', 'convex', 'all'];

/** Resolve a path against cwd; an unset default falls back to the copy shipped with the package. */
function configPath(given: string | undefined, fallback: string, cwd: string): string {
  if (given !== undefined) return isAbsolute(given) ? given : resolve(cwd, given);
  const local = resolve(cwd, fallback);
  return existsSync(local) ? local : join(PACKAGE_ROOT, fallback);
}

function mergedEnv(io: CliIo): NodeJS.ProcessEnv {
  const file = join(io.cwd, '.env');
  if (!existsSync(file)) return io.env;
  let parsed: NodeJS.Dict<string>;
  try {
    parsed = parseEnv(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`.env in ${io.cwd} cannot be read (${(err as Error).message})`);
  }
  return { ...parsed, ...io.env };
}

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
}

/** A progress bar on a terminal (cli-progress, loaded only then); a back-test run without a TTY prints none. */
async function progressBar(out: CliIo['stdout']): Promise<{ update(done: number, total: number | null): void; stop(): void }> {
  const { SingleBar } = (await import('cli-progress')).default;
  const bar = new SingleBar({ format: 'back-test [{bar}] {percentage}% | {value}/{total} bars | eta {eta}s', stream: out as unknown as NodeJS.WritableStream, hideCursor: true });
  let started = false;
  return {
    update(done, total) {
      if (!started) bar.start(total ?? done, 0);
      started = true;
      if (done % 24 === 0 || done === total) bar.update(done);
    },
    stop: () => bar.stop(),
  };
}

/** Run the `coce` command line; resolves to the process exit code (0 ok, 2 bad input, 1 unexpected failure). */
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
    if (exitCodeOf(err) === 1 && err instanceof Error && err.stack) io.stderr.write(scrubber.scrub(err.stack) + '\n');
    return exitCodeOf(err);
  };
  let code = 0;

  const program = new Command('coce')
    .description('Cluster Outlier Catalyst Engine: crypto micro-cap pump detection, clustered allocation, guarded execution')
    .version(VERSION, '-V, --version')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(scrubber.scrub(s)),
      writeErr: (s) => io.stderr.write(scrubber.scrub(s)),
    })
    .showHelpAfterError('(run coce --help for usage)');

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
      const bar = io.stdout.isTTY === true ? await progressBar(io.stdout) : null;
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

  program
    .command('report')
    .description('the weekly review: one self-contained HTML file from logs/*.jsonl and state.json, and a summary here')
    .option('--since <span>', 'window counted back from the last logged event: 7d, 36h or all', '7d')
    .option('--out <file>', 'HTML file to write (default: <log-dir>/review.html)')
    .option('--state-dir <dir>', 'where state.json lives', 'data')
    .option('--log-dir <dir>', 'where the JSONL logs are', 'logs')
    .action((f: { since: string; out?: string; stateDir: string; logDir: string }) => {
      const store = new FileStateStore(resolve(io.cwd, f.stateDir));
      const state = store.load();
      if (state === null) throw new StateError(`no state in ${store.path}: nothing to review`);
      let data;
      try {
        data = loadReview(resolve(io.cwd, f.logDir), state, f.since, store.path);
      } catch (err) {
        if (err instanceof RangeError) throw new UsageError(err.message);
        throw err;
      }
      const figures = reviewFigures(data);
      const out = resolve(io.cwd, f.out ?? join(f.logDir, 'review.html'));
      writeOutputFile(out, scrubber.scrub(reviewHtml(data, figures)), 'report', isReviewHtml);
      say(reviewText(data, figures));
      say(`report          ${out}`);
    });

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

  const data = program.command('data').description('market data folders for --data: generate the synthetic market, import real data, download it');
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

  const configFiles = (f: { config?: string; sleeveConfig?: string | false }) =>
    loadConfig(configPath(f.config, 'config/base.yaml', io.cwd), f.sleeveConfig === false ? null : configPath(f.sleeveConfig, 'config/sleeve.yaml', io.cwd)).cfg;
  registerDataImport(data, { cwd: io.cwd, stdout: io.stdout, say, config: configFiles });
  registerDataDownload(data, {
    cwd: io.cwd,
    stdout: io.stdout,
    say,
    config: configFiles,
    // retries and warnings to stderr: stdout keeps the summary
    log: () => createLogger({ level: env instanceof Error || io.env.LOG_LEVEL === undefined ? 'warn' : env.logLevel, pretty: false, scrubber, out: io.stderr }),
  });

  registerTrain(program, { cwd: io.cwd, say, config: configFiles });
  registerEval(program, { cwd: io.cwd, say, config: configFiles });

  program
    .command('resume')
    .description('lift a kill-switch halt (the daemon must be stopped); the reason is logged')
    .requiredOption('--reason <text>', `why trading may start again (at least ${MIN_REASON_CHARS} characters; logged)`)
    .option('--state-dir <dir>', 'where state.json lives', 'data')
    .option('--log-dir <dir>', 'where the JSONL logs go', 'logs')
    .action(async (f: { reason: string; stateDir: string; logDir: string }) => {
      // the notification goes to stderr as a log line: stdout keeps the one-line answer
      const level = env instanceof Error ? 'info' : env.logLevel;
      const opsLog = createLogger({ level, pretty: false, scrubber, out: io.stderr });
      const slackUrl = env instanceof Error ? undefined : env.secrets.SLACK_WEBHOOK_URL;
      const slack = slackUrl === undefined ? null : new SlackNotifier({ webhookUrl: slackUrl, minIntervalMs: 0, log: opsLog.child({ component: 'slack' }) });
      const notifier = new FanOutNotifier([new LogNotifier(opsLog.child({ component: 'notifier' })), ...(slack ? [slack] : [])]);
      const r = resumeTrading({ stateDir: resolve(io.cwd, f.stateDir), logDir: resolve(io.cwd, f.logDir), reason: f.reason, nowMs: Date.now(), notifier });
      await slack?.flush();
      say(`trading resumed after cycle ${r.cycle} (halted since cycle ${r.haltedSinceCycle}: ${r.previousReason ?? 'no reason recorded'})`);
    });

  program
    .command('status')
    .description('print NAV, positions, drawdown, kill-switch state and the last cycle from state.json')
    .option('--state-dir <dir>', 'where state.json lives', 'data')
    .option('--json', 'print the report as JSON')
    .action((f: { stateDir: string; json?: boolean }) => {
      const store = new FileStateStore(resolve(io.cwd, f.stateDir));
      const state = store.load();
      if (state === null) throw new StateError(`no state in ${store.path}: nothing has run with this --state-dir yet`);
      const report = reportState(state);
      say(f.json ? JSON.stringify(report, null, 2) : `${store.path}\n${formatReport(report)}`);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      code = err.exitCode === 0 ? 0 : 2;
    } else {
      code = fail(err);
    }
  }
  return code;
}
