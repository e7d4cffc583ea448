import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { loadConfig, parseYamlText } from '../utils/config.js';
import { describeFsError, UsageError } from '../utils/errors.js';

/**
 * A sweep's grid file (`coce sweep --grid`, `npm run sweep`):
 *
 *   days: 30                            # days of each back-test (required with seeds; data sets: omit to replay them whole)
 *   seeds: [1, 2]                       # synthetic markets (optional with data sets)
 *   data: [recorded/usdt1h]             # optional: recorded folders (coce data import/generate), relative to the grid file
 *   set:                                # dotted config paths (as in config/base.yaml) and the values to try
 *     portfolio.max_turnover_pct: [20, 30]
 *     risk.var.max_var_pct: [2, 3]
 */
export interface Grid {
  days: number | null;
  seeds: number[];
  /** Absolute paths of recorded folders; empty: the synthetic market. */
  data: string[];
  set: Record<string, unknown[]>;
}

/** One back-test of a sweep: everything a worker on another machine needs, the config as text. */
export interface SweepJob {
  /** `c<point>-s<seed>` on the synthetic market, `c<point>-d<data set>` on a recorded one: stable for a grid. */
  id: string;
  point: number;
  /** The synthetic market's seed; null on a recorded folder (it carries its own). */
  seed: number | null;
  days: number | null;
  /** A recorded folder to replay (the same path on every worker machine); null: the synthetic market. */
  dataDir: string | null;
  configYaml: string;
  /** The options sleeve's config; null when the main config holds the sleeve section. */
  sleeveYaml: string | null;
  /** Base of relative paths inside the config (alpha.model_path): the sweep's working folder. */
  cwd: string;
  values: Record<string, unknown>;
}

export function readGrid(file: string): Grid {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`grid file ${file} cannot be read (${describeFsError(err)})`);
  }
  const g = parseYamlText(text, file) as Partial<Record<keyof Grid, unknown>> | null;
  const bad = (why: string) => new UsageError(`${file}: ${why}`);
  if (g === null || typeof g !== 'object' || Array.isArray(g)) throw bad('not a mapping');
  const unknown = Object.keys(g).filter((k) => !['days', 'seeds', 'data', 'set'].includes(k));
  if (unknown.length > 0) throw bad(`unknown key ${unknown.join(', ')} (a grid has days, seeds, data and set)`);
  const data = g.data ?? [];
  if (!Array.isArray(data) || !data.every((d) => typeof d === 'string' && d.length > 0)) throw bad('data must be a list of recorded folders');
  const seeds = g.seeds ?? [];
  if (!Array.isArray(seeds) || !seeds.every((x) => Number.isInteger(x) && x >= 0)) throw bad('seeds must be a list of integers');
  if (seeds.length === 0 && data.length === 0) throw bad('seeds must be a non-empty list of integers (or give data sets)');
  if (g.days === undefined && seeds.length > 0) throw bad('days is required with seeds (the synthetic market has no end)');
  if (g.days !== undefined && (!Number.isInteger(g.days) || (g.days as number) < 1)) throw bad('days must be a positive integer');
  const set = (g.set ?? {}) as Record<string, unknown>;
  if (typeof set !== 'object' || Array.isArray(set)) throw bad('set must map config paths to lists of values');
  for (const [k, v] of Object.entries(set)) if (!Array.isArray(v) || v.length === 0) throw bad(`set.${k} must be a non-empty list of values`);
  const base = resolve(file, '..');
  const dirs = (data as string[]).map((d) => resolve(base, d));
  for (const d of dirs) if (!existsSync(resolve(d, 'meta.json'))) throw bad(`data set ${d} is not a recorded folder (no meta.json: coce data import or generate writes one)`);
  return { days: (g.days as number | undefined) ?? null, seeds: seeds as number[], data: dirs, set: set as Record<string, unknown[]> };
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

export interface PlanOptions {
  gridFile: string;
  configFile: string;
  sleeveConfigFile: string | null;
  /** The sweep's output folder: must be new or empty (a used one would mix two sweeps' results). */
  out: string;
  cwd?: string;
}

/** The grid's jobs, every config point validated (schema and hard limits) before anything runs. */
export function planSweep(o: PlanOptions): SweepJob[] {
  const grid = readGrid(o.gridFile);
  const baseYaml = readText(o.configFile, 'config');
  const sleeveYaml = o.sleeveConfigFile === null ? null : readText(o.sleeveConfigFile, 'sleeve config');
  if (existsSync(o.out) && readdirSync(o.out).length > 0) throw new UsageError(`${o.out} is not empty: give the sweep a new --out folder`);
  mkdirSync(o.out, { recursive: true });
  const jobs: SweepJob[] = [];
  combinations(grid.set).forEach((values, point) => {
    const configYaml = withValues(baseYaml, values);
    // kept beside the results (what each point ran), and validated as `coce validate-config` checks a file
    const file = join(o.out, `config-${point}.yaml`);
    writeFileSync(file, configYaml);
    loadConfig(file, o.sleeveConfigFile);
    const job = { point, days: grid.days, configYaml, sleeveYaml, cwd: o.cwd ?? process.cwd(), values };
    for (const seed of grid.seeds) jobs.push({ ...job, id: `c${point}-s${seed}`, seed, dataDir: null });
    grid.data.forEach((dataDir, d) => jobs.push({ ...job, id: `c${point}-d${d}`, seed: null, dataDir }));
  });
  return jobs;
}

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`${what} ${file} cannot be read (${describeFsError(err)})`);
  }
}
