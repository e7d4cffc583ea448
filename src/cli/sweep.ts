import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { planSweep, type SweepJob } from '../research/sweep-grid.js';
import type { SweepResult } from '../research/sweep-job.js';
import { runSweepLocal } from '../research/sweep-local.js';
import { parseQueueUrl, safeQueueUrl } from '../research/queue-url.js';
import { formatSweep, rankSweep } from '../research/sweep-table.js';
import { dailyReturns, formatWalkForward, walkForward, type PointReturns } from '../research/walk-forward.js';
import { SweepError } from '../utils/errors.js';
import { configPath, type CliContext } from './context.js';
import { configOption, intArg, noSleeveConfigOption, sleeveConfigOption } from './options.js';

/** What a finished job prints on the producer's terminal. */
const doneLine = (r: SweepResult, done: number, total: number, by: string | null) =>
  `  [${done}/${total}] ${r.id}${by === null ? '' : ` on ${by}`}${r.error === null ? '' : ` (failed: ${r.error})`}`;

/** The jobs on this machine's threads, or on the queue's workers. */
async function runJobs(jobs: readonly SweepJob[], out: string, url: string | null, workers: number | undefined, say: (s: string) => void, signal: AbortSignal | undefined): Promise<SweepResult[]> {
  if (url === null) {
    const threads = Math.min(workers ?? availableParallelism(), jobs.length);
    say(`${jobs.length} back-tests on ${threads} worker threads; folders under ${out}`);
    let done = 0;
    return runSweepLocal(jobs, out, threads, (r) => say(doneLine(r, ++done, jobs.length, null)), signal);
  }
  const sweepId = `${basename(out)}-${Date.now().toString(36)}`;
  say(`sweep ${sweepId}: ${jobs.length} back-tests queued on ${safeQueueUrl(url)}; start \`coce worker --queue ${safeQueueUrl(url)}\` on any machine`);
  // bullmq and ioredis load only for the queue (they would add ~0.1 s to every coce start)
  const { runSweepOnQueue } = await import('../research/sweep-queue.js');
  return runSweepOnQueue(jobs, { url, sweepId, ...(signal === undefined ? {} : { signal }), onDone: (r, done, total, by) => say(doneLine(r, done, total, by)) });
}

/** The flags `coce sweep` and `coce optimize` share. */
interface GridFlags {
  grid: string;
  out?: string;
  queue?: string;
  workers?: number;
  config?: string;
  sleeveConfig?: string | false;
}

/** --out, --queue, --workers and the config files, after the command's own options. */
const gridOptions = (c: Command, kind: string): Command =>
  c
    .option('--out <dir>', `new or empty folder for the results (default: runs/${kind}-<grid name>)`)
    .option('--queue <url>', 'Redis URL (redis://host:port): enqueue the jobs for `coce worker`s on any machine instead of running them here')
    .option('--workers <n>', 'worker threads without --queue (default: one per core)', intArg(1, '--workers', 256))
    .addOption(configOption())
    .addOption(sleeveConfigOption())
    .addOption(noSleeveConfigOption());

/** The grid's jobs (every point validated), its output folder and the queue, from the flags. */
function planFromFlags(f: GridFlags, kind: string, cwd: string): { gridFile: string; out: string; url: string | null; jobs: SweepJob[] } {
  const gridFile = resolve(cwd, f.grid);
  const out = resolve(cwd, f.out ?? join('runs', `${kind}-${basename(gridFile).replace(/\.ya?ml$/, '')}`));
  const url = f.queue === undefined ? null : parseQueueUrl(f.queue);
  const jobs = planSweep({
    gridFile,
    configFile: configPath(f.config, 'config/base.yaml', cwd),
    sleeveConfigFile: f.sleeveConfig === false ? null : configPath(f.sleeveConfig, 'config/sleeve.yaml', cwd),
    out,
    cwd,
  });
  return { gridFile, out, url, jobs };
}

/** `coce sweep`: back-tests over a grid, on this machine's cores or on any number of `coce worker`s through Redis. */
export function registerSweep(program: Command, ctx: CliContext): void {
  const { io, say } = ctx;
  gridOptions(
    program
      .command('sweep')
      .description('back-tests over a grid of config values, seeds and data sets; ranked table and sweep.json under --out')
      .requiredOption('--grid <file>', 'grid file: days, seeds, data, set (see README "Research")'),
    'sweep',
  ).action(async (f: GridFlags) => {
    const { gridFile, out, url, jobs } = planFromFlags(f, 'sweep', io.cwd);
    const t0 = performance.now();
    const results = await runJobs(jobs, out, url, f.workers, say, io.signal);
    const file = join(out, 'sweep.json');
    writeFileSync(file, JSON.stringify({ grid: gridFile, jobs: jobs.length, ranked: rankSweep(results).map((r) => r.id), results }, null, 2) + '\n');
    say(`\n${formatSweep(results)}\n\n${((performance.now() - t0) / 1000).toFixed(1)} s; results in ${file}`);
    const failed = results.filter((r) => r.error !== null).length;
    if (failed > 0) throw new SweepError(`${failed} of ${results.length} back-tests failed (their errors are in the table and in ${file})`);
  });
}

/** `coce worker`: runs sweep jobs from a Redis queue until stopped (SIGINT/SIGTERM finish the jobs in hand first). */
export function registerWorker(program: Command, ctx: CliContext): void {
  const { io, say } = ctx;
  program
    .command('worker')
    .description('run sweep jobs from a Redis queue (coce sweep --queue) until stopped; start one per machine')
    .requiredOption('--queue <url>', 'Redis URL (redis://host:port)')
    .option('--concurrency <n>', 'back-tests at once (default: one per core)', intArg(1, '--concurrency', 256))
    .option('--lock-ms <n>', 'a job whose worker stops answering for this long is run again by another worker', intArg(1_000, '--lock-ms', 3_600_000), 30_000)
    .action(async (f: { queue: string; concurrency?: number; lockMs: number }) => {
      const url = parseQueueUrl(f.queue);
      const concurrency = f.concurrency ?? availableParallelism();
      const signal = io.signal ?? new AbortController().signal;
      say(`worker: ${concurrency} at a time from ${safeQueueUrl(url)} (lock ${f.lockMs} ms); Ctrl-C finishes the jobs in hand and stops`);
      const { runQueueWorker } = await import('../research/sweep-queue.js');
      await runQueueWorker({ url, concurrency, lockMs: f.lockMs, signal, onEvent: (what, job) => say(`  ${what} ${job.id}${job.error === undefined ? '' : `: ${job.error}`}`) });
      say('worker: stopped');
    });
}

/** `coce optimize`: walk-forward optimisation over a grid; headline figures out of sample only. */
export function registerOptimize(program: Command, ctx: CliContext): void {
  const { io, say } = ctx;
  gridOptions(
    program
      .command('optimize')
      .description('walk-forward optimisation: choose the grid point on each training window, score it on the next test window, roll; figures out of sample only')
      .requiredOption('--grid <file>', 'grid file (as coce sweep reads it); its days (or data sets) are the whole span')
      .requiredOption('--train-days <n>', 'days each choice is made on', intArg(2, '--train-days', 36_500))
      .requiredOption('--test-days <n>', 'days each choice is then scored on (the windows roll by this much)', intArg(1, '--test-days', 36_500)),
    'optimize',
  ).action(async (f: GridFlags & { trainDays: number; testDays: number }) => {
    const { gridFile, out, url, jobs } = planFromFlags(f, 'optimize', io.cwd);
    const results = await runJobs(jobs, out, url, f.workers, say, io.signal);
    const failed = results.filter((r) => r.error !== null);
    // a point is compared on every market or not at all
    const broken = new Set(jobs.filter((j, k) => results[k]!.error !== null).map((j) => j.point));
    const points = new Map<number, PointReturns>();
    jobs.forEach((j, k) => {
      const r = results[k]!;
      if (broken.has(j.point) || r.summary === null) return;
      const p = points.get(j.point) ?? { point: j.point, values: j.values, daily: {} };
      // the market is the job id's second part: s<seed> or d<data set>
      p.daily[j.id.slice(j.id.indexOf('-') + 1)] = dailyReturns(r.summary.startNavUsd, r.dailyNavUsd.map((d) => d.navUsd));
      points.set(j.point, p);
    });
    const report = walkForward([...points.values()], f.trainDays, f.testDays);
    const file = join(out, 'optimize.json');
    writeFileSync(file, JSON.stringify({ grid: gridFile, trainDays: f.trainDays, testDays: f.testDays, failed: failed.map((r) => ({ id: r.id, error: r.error })), ...report }, null, 2) + '\n');
    say(`\n${formatWalkForward(report)}\n\nresults in ${file}`);
    if (failed.length > 0) throw new SweepError(`${failed.length} of ${results.length} back-tests failed; their points were left out (${file})`);
  });
}
