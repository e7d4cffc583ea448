/**
 * Parameter sweep: back-tests over a grid of config values and seeds, on every core (worker threads, one back-test
 * per worker at a time). `npm run sweep -- --grid GRID.yaml [--out DIR] [--config FILE]`. The grid file:
 *
 *   days: 30
 *   seeds: [1, 2]
 *   set:                                # dotted config paths (as in config/base.yaml) and the values to try
 *     portfolio.max_turnover_pct: [20, 30]
 *     risk.var.max_var_pct: [2, 3]
 *
 * Each combination x seed runs in its own folder under --out; the results table (best Sharpe first) is printed and
 * written to <out>/sweep.json. Every combination is validated against the config schema before anything runs.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { stringify } from 'yaml';
import type { BacktestSummary } from '../src/agent/backtest-summary.js';
import { loadConfig, parseYamlText } from '../src/utils/config.js';
import { describeFsError, exitCodeOf, UsageError } from '../src/utils/errors.js';

export interface SweepJob {
  id: string;
  seed: number;
  days: number;
  configFile: string;
  sleeveConfigFile: string | null;
  dir: string;
  /** Base of relative paths in the config (alpha.model_path, market.recorded_dir): the sweep's working folder. */
  cwd: string;
  values: Record<string, unknown>;
}

export interface SweepResult {
  job: SweepJob;
  summary: BacktestSummary | null;
  error: string | null;
}

interface Grid {
  days: number;
  seeds: number[];
  set: Record<string, unknown[]>;
}

function readGrid(file: string): Grid {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`grid file ${file} cannot be read (${describeFsError(err)})`);
  }
  const g = parseYamlText(text, file) as Partial<Grid> | null;
  const bad = (why: string) => new UsageError(`${file}: ${why}`);
  if (g === null || typeof g !== 'object') throw bad('not a mapping');
  if (!Number.isInteger(g.days) || g.days! < 1) throw bad('days must be a positive integer');
  if (!Array.isArray(g.seeds) || g.seeds.length === 0 || !g.seeds.every((s) => Number.isInteger(s) && s >= 0)) throw bad('seeds must be a non-empty list of integers');
  const set = g.set ?? {};
  for (const [k, v] of Object.entries(set)) if (!Array.isArray(v) || v.length === 0) throw bad(`set.${k} must be a non-empty list of values`);
  return { days: g.days!, seeds: g.seeds, set };
}

/** Every combination of the grid's values, in a fixed order (the first key varies slowest). */
export function combinations(set: Record<string, unknown[]>): Record<string, unknown>[] {
  let out: Record<string, unknown>[] = [{}];
  for (const [k, vs] of Object.entries(set)) out = out.flatMap((c) => vs.map((v) => ({ ...c, [k]: v })));
  return out;
}

/** The base config's YAML with dotted paths replaced; throws naming a path that is not in the file. */
export function withValues(baseYaml: string, values: Record<string, unknown>): string {
  const doc = parseYamlText(baseYaml, 'the base config') as Record<string, unknown>;
  for (const [path, v] of Object.entries(values)) {
    const keys = path.split('.');
    let node = doc;
    for (const k of keys.slice(0, -1)) {
      if (typeof node[k] !== 'object' || node[k] === null) throw new UsageError(`grid key ${path}: ${k} is not a section of the config`);
      node = node[k] as Record<string, unknown>;
    }
    if (!(keys.at(-1)! in node)) throw new UsageError(`grid key ${path}: no such key in the config`);
    node[keys.at(-1)!] = v;
  }
  return stringify(doc);
}

export function planSweep(o: { gridFile: string; configFile: string; sleeveConfigFile: string | null; out: string; cwd?: string }): SweepJob[] {
  const grid = readGrid(o.gridFile);
  const baseYaml = readFileSync(o.configFile, 'utf8');
  // a used folder would resume its old back-tests under the new grid's labels
  if (existsSync(o.out) && readdirSync(o.out).length > 0) throw new UsageError(`${o.out} is not empty: give the sweep a new --out folder`);
  mkdirSync(o.out, { recursive: true });
  const jobs: SweepJob[] = [];
  combinations(grid.set).forEach((values, i) => {
    const configFile = join(o.out, `config-${i}.yaml`);
    writeFileSync(configFile, withValues(baseYaml, values));
    loadConfig(configFile, o.sleeveConfigFile); // every combination must pass the schema and the hard limits first
    for (const seed of grid.seeds) jobs.push({ id: `c${i}-s${seed}`, seed, days: grid.days, configFile, sleeveConfigFile: o.sleeveConfigFile, dir: join(o.out, `c${i}-s${seed}`), cwd: o.cwd ?? process.cwd(), values });
  });
  return jobs;
}

/** Runs the jobs on `workers` threads; results come back in job order. */
export async function runSweep(jobs: readonly SweepJob[], workers = availableParallelism(), onDone?: (r: SweepResult) => void): Promise<SweepResult[]> {
  const results: SweepResult[] = new Array<SweepResult>(jobs.length);
  let next = 0;
  const script = fileURLToPath(new URL('./sweep-worker.js', import.meta.url));
  /** One job on a worker; a worker that fails or exits is replaced, and the job is recorded as failed. */
  const runOn = (w: Worker, job: SweepJob): Promise<{ r: SweepResult; dead: boolean }> =>
    new Promise((res) => {
      const done = (r: SweepResult, dead: boolean) => {
        w.off('message', onMessage);
        w.off('error', onError);
        w.off('exit', onExit);
        res({ r, dead });
      };
      const onMessage = (m: SweepResult) => done(m, false);
      const onError = (err: Error) => done({ job, summary: null, error: `worker failed: ${err.message}` }, true);
      const onExit = (code: number) => done({ job, summary: null, error: `worker exited (code ${code})` }, true);
      w.on('message', onMessage);
      w.on('error', onError);
      w.on('exit', onExit);
      w.postMessage(job);
    });
  const one = async (): Promise<void> => {
    let w = new Worker(script);
    try {
      while (next < jobs.length) {
        const k = next++;
        const { r, dead } = await runOn(w, jobs[k]!);
        results[k] = r;
        onDone?.(r);
        if (dead) {
          await w.terminate();
          w = new Worker(script);
        }
      }
    } finally {
      await w.terminate();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(workers, jobs.length)) }, one));
  return results;
}

export function formatSweep(results: readonly SweepResult[]): string {
  const rows = [...results].sort((a, b) => (b.summary?.sharpe ?? -Infinity) - (a.summary?.sharpe ?? -Infinity));
  const f = (x: number | null | undefined, d = 2) => (x === null || x === undefined ? 'n/a' : x.toFixed(d));
  const lines = rows.map((r) => `${r.job.id.padEnd(10)} ${r.error !== null ? `failed: ${r.error}` : `Sharpe ${f(r.summary!.sharpe).padStart(7)}  return ${f(r.summary!.returnPct).padStart(8)} %  max DD ${f(r.summary!.maxDrawdownPct).padStart(6)} %  trips ${String(Object.values(r.summary!.guardrailTrips).reduce((a, b) => a + b, 0)).padStart(5)}`}  ${JSON.stringify(r.job.values)}`);
  return lines.join('\n');
}

async function cli(argv: string[]): Promise<number> {
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const grid = arg('--grid');
  if (grid === undefined) {
    process.stderr.write('usage: npm run sweep -- --grid GRID.yaml [--out DIR] [--config FILE] [--workers N]\n');
    return 2;
  }
  const workers = Number(arg('--workers') ?? availableParallelism());
  if (!Number.isInteger(workers) || workers < 1) throw new UsageError(`--workers must be a positive integer (got ${arg('--workers')})`);
  const out = resolve(arg('--out') ?? 'runs/sweep');
  const jobs = planSweep({ gridFile: resolve(grid), configFile: resolve(arg('--config') ?? 'config/base.yaml'), sleeveConfigFile: resolve('config/sleeve.yaml'), out });
  process.stdout.write(`sweep: ${jobs.length} back-tests on ${Math.min(workers, jobs.length)} worker threads\n`);
  const t0 = performance.now();
  const results = await runSweep(jobs, workers, (r) => process.stdout.write(`  done ${r.job.id}${r.error ? ` (failed: ${r.error})` : ''}\n`));
  writeFileSync(join(out, 'sweep.json'), JSON.stringify(results, null, 2) + '\n');
  process.stdout.write(`\n${formatSweep(results)}\n\n${((performance.now() - t0) / 1000).toFixed(1)} s; results in ${join(out, 'sweep.json')}\n`);
  return results.some((r) => r.error !== null) ? 1 : 0;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  cli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`sweep: ${(err as Error).message}\n`);
      process.exit(exitCodeOf(err));
    },
  );
}
