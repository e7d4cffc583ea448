/**
 * The strategy's goal (issue 17), measured: 180-day back-tests with the default config on seeds the shipped model
 * never saw (it was trained on seed 1), on every core. `npm run goal [-- --seeds 101-110] [--days 180]
 * [--config FILE] [--out DIR] [--set path=value ...]` (`--set` tries a changed setting, as a sweep grid would).
 * Prints one row per seed and the medians against the goal: median Sharpe >= 2, median hit rate >= 60 %, the
 * kill-switch firing on at most 3 of the 10. The back-tests run in a fresh folder, so they use the shipped model
 * unless `alpha.model_path` names another.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { parseYamlText } from '../src/utils/config.js';
import { UsageError } from '../src/utils/errors.js';
import { arg, runAsScript } from './script-main.js';
import { planSweep } from '../src/research/sweep-grid.js';
import type { SweepResult } from '../src/research/sweep-job.js';
import { runSweepLocal } from '../src/research/sweep-local.js';

export const GOAL = { medianSharpe: 2, medianHitRate: 0.6, maxHaltedSeeds: 3 };

export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function parseSeeds(text: string): number[] {
  const m = /^(\d+)-(\d+)$/.exec(text);
  const seeds = m !== null ? Array.from({ length: Number(m[2]) - Number(m[1]) + 1 }, (_, i) => Number(m[1]) + i) : text.split(',').map(Number);
  if (seeds.length === 0 || !seeds.every((s) => Number.isInteger(s) && s >= 0)) throw new UsageError(`--seeds must be FROM-TO or a comma list of integers (got ${text})`);
  return seeds;
}

export interface GoalVerdict {
  medianSharpe: number | null;
  medianHitRate: number | null;
  haltedSeeds: number;
  met: boolean;
}

export function goalVerdict(results: readonly SweepResult[]): GoalVerdict {
  const ok = results.filter((r) => r.summary !== null).map((r) => r.summary!);
  const medianSharpe = median(ok.map((s) => s.sharpe ?? 0));
  const medianHitRate = median(ok.map((s) => s.hitRate ?? 0));
  const haltedSeeds = ok.filter((s) => s.halts > 0).length;
  const met = ok.length === results.length && (medianSharpe ?? -Infinity) >= GOAL.medianSharpe && (medianHitRate ?? 0) >= GOAL.medianHitRate && haltedSeeds <= GOAL.maxHaltedSeeds;
  return { medianSharpe, medianHitRate, haltedSeeds, met };
}

const f = (x: number | null | undefined, d = 2) => (x === null || x === undefined ? 'n/a' : x.toFixed(d));

export function formatGoal(results: readonly SweepResult[], v: GoalVerdict): string {
  const head = '| seed | return % | Sharpe | max DD % | round trips | hit rate % | profit factor | halts (days halted) | BTC % | micro-caps EW % |';
  const rows = results.map((r) => {
    const s = r.summary;
    if (s === null) return `| ${r.seed} | failed: ${r.error} |`;
    return `| ${r.seed} | ${f(s.returnPct)} | ${f(s.sharpe)} | ${f(s.maxDrawdownPct)} | ${s.roundTrips} | ${s.hitRate === null ? 'n/a' : f(100 * s.hitRate, 1)} | ${f(s.profitFactor)} | ${s.halts} (${f(s.haltedDays, 1)}) | ${f(s.benchmarks.returnPct)} | ${f(s.benchmarks.universeReturnPct)} |`;
  });
  const pass = (b: boolean) => (b ? 'met' : 'NOT met');
  return [
    head,
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `median Sharpe ${f(v.medianSharpe)} (goal >= ${GOAL.medianSharpe}: ${pass((v.medianSharpe ?? -Infinity) >= GOAL.medianSharpe)}); ` +
      `median hit rate ${v.medianHitRate === null ? 'n/a' : f(100 * v.medianHitRate, 1)} % (goal >= ${100 * GOAL.medianHitRate} %: ${pass((v.medianHitRate ?? 0) >= GOAL.medianHitRate)}); ` +
      `kill-switch fired on ${v.haltedSeeds} of ${results.length} (goal <= ${GOAL.maxHaltedSeeds}: ${pass(v.haltedSeeds <= GOAL.maxHaltedSeeds)})`,
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const seeds = parseSeeds(arg(argv, '--seeds') ?? '101-110');
  const days = Number(arg(argv, '--days') ?? 180);
  if (!Number.isInteger(days) || days < 1) throw new UsageError(`--days must be a positive integer (got ${arg(argv, '--days')})`);
  const set: Record<string, unknown[]> = {};
  argv.forEach((a, i) => {
    if (a !== '--set') return;
    const kv = argv[i + 1] ?? '';
    const eq = kv.indexOf('=');
    if (eq < 1) throw new UsageError(`--set wants path=value (got ${kv})`);
    set[kv.slice(0, eq)] = [parseYamlText(kv.slice(eq + 1), '--set')];
  });
  const out = resolve(arg(argv, '--out') ?? join('runs', `goal-${Date.now()}`));
  mkdirSync(out, { recursive: true });
  const gridFile = join(out, 'grid.yaml');
  writeFileSync(gridFile, stringify({ days, seeds, set }));
  const jobs = planSweep({ gridFile, configFile: resolve(arg(argv, '--config') ?? 'config/base.yaml'), sleeveConfigFile: resolve('config/sleeve.yaml'), out: join(out, 'runs'), cwd: out });
  process.stdout.write(`goal: ${jobs.length} back-tests of ${days} days (seeds ${seeds.join(', ')})${Object.keys(set).length > 0 ? ` with ${JSON.stringify(set)}` : ''}\n`);
  const t0 = performance.now();
  const results = await runSweepLocal(jobs, join(out, 'runs'), Number(arg(argv, '--workers') ?? availableParallelism()));
  const v = goalVerdict(results);
  writeFileSync(join(out, 'goal.json'), JSON.stringify({ verdict: v, results }, null, 2) + '\n');
  process.stdout.write(`${formatGoal(results, v)}\n${((performance.now() - t0) / 1000).toFixed(0)} s; ${join(out, 'goal.json')}\n`);
  return results.some((r) => r.error !== null) ? 1 : 0;
}

runAsScript(import.meta.url, 'goal', main);
