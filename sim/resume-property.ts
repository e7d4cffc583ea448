/**
 * The resume property: a seeded run stopped after k cycles and then resumed with the same command ends byte-identical
 * (state.json and every JSONL log) to the same run uninterrupted, for every stop point k. Shared by the test suite
 * (a fast sample, tests/e2e/resume-property.test.ts) and `npm run soak` (a long one, sim/soak.ts).
 *
 * Stop points always include the first and last cycles and the cycles right after every re-clustering, audit,
 * retrain, halt and resume the uninterrupted run logged (where bounded windows and refits turn over), then a seeded
 * random sample of the rest.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRng } from '../src/utils/rng.js';

/** Runs `coce` with these arguments in `cwd`; resolves to the exit code. */
export type CoceRunner = (args: readonly string[], cwd: string) => Promise<number>;

/** Event types after which a stop is always tried: each turns over a window, a model or a counter. */
export const TURNOVER_EVENTS = ['clusters', 'daily_audit', 'weekly_audit', 'model_retrained', 'halt', 'resume', 'universe_changed'] as const;

/** state.json and every log of a run folder, for byte-for-byte comparison. */
export function folderFiles(dir: string): Record<string, string> {
  const out: Record<string, string> = { 'data/state.json': readFileSync(join(dir, 'data', 'state.json'), 'utf8') };
  for (const f of readdirSync(join(dir, 'logs')).filter((f) => f.endsWith('.jsonl')).sort()) out[`logs/${f}`] = readFileSync(join(dir, 'logs', f), 'utf8');
  return out;
}

/** The first difference between two runs' files, named by file and line; null when they are identical. */
export function firstDifference(want: Record<string, string>, got: Record<string, string>): string | null {
  for (const name of [...new Set([...Object.keys(want), ...Object.keys(got)])].sort()) {
    const a = want[name];
    const b = got[name];
    if (a === b) continue;
    if (a === undefined || b === undefined) return `${name}: ${a === undefined ? 'not in the uninterrupted run' : 'missing after the resume'}`;
    const la = a.split('\n');
    const lb = b.split('\n');
    let i = 0;
    while (i < la.length && la[i] === lb[i]) i++;
    const field = la[i] !== undefined && lb[i] !== undefined ? jsonDifference(la[i]!, lb[i]!) : null;
    return field !== null
      ? `${name} line ${i + 1}: ${field}`
      : `${name} line ${i + 1}: want ${(la[i] ?? '<end>').slice(0, 160)} | got ${(lb[i] ?? '<end>').slice(0, 160)}`;
  }
  return null;
}

/** The first field at which two JSON lines differ, as `path: want | got`; null when either is not JSON. */
function jsonDifference(a: string, b: string): string | null {
  let x: unknown;
  let y: unknown;
  try {
    x = JSON.parse(a);
    y = JSON.parse(b);
  } catch {
    return null; // not JSON: the caller shows the raw lines
  }
  const walk = (u: unknown, v: unknown, path: string): string | null => {
    if (u !== null && v !== null && typeof u === 'object' && typeof v === 'object') {
      for (const k of [...new Set([...Object.keys(u), ...Object.keys(v)])]) {
        const d = walk((u as Record<string, unknown>)[k], (v as Record<string, unknown>)[k], path === '' ? k : `${path}.${k}`);
        if (d !== null) return d;
      }
      return null;
    }
    return Object.is(u, v) ? null : `${path}: want ${JSON.stringify(u)} | got ${JSON.stringify(v)}`;
  };
  return walk(x, y, '');
}

export const dirArgs = (dir: string): string[] => ['--state-dir', join(dir, 'data'), '--log-dir', join(dir, 'logs')];

/** Cycles of the uninterrupted run (from its equity log) and those right after which a stop must be tried. */
export function runShape(dir: string): { firstCycle: number; cycles: number; turnovers: Map<string, number[]> } {
  const equity = readFileSync(join(dir, 'logs', 'equity.jsonl'), 'utf8').split('\n').filter(Boolean);
  const firstCycle = (JSON.parse(equity[0]!) as { cycle: number }).cycle;
  const turnovers = new Map<string, number[]>();
  for (const file of ['meta_events.jsonl', 'trades.jsonl']) {
    const path = join(dir, 'logs', file);
    if (!existsSync(path)) continue;
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (line === '') continue;
      const e = JSON.parse(line) as { type: string; cycle: number };
      if (!(TURNOVER_EVENTS as readonly string[]).includes(e.type)) continue;
      const at = turnovers.get(e.type) ?? [];
      if (at.at(-1) !== e.cycle) at.push(e.cycle);
      turnovers.set(e.type, at);
    }
  }
  return { firstCycle, cycles: equity.length, turnovers };
}

/**
 * `count` stop points (cycles completed before the stop, 1..cycles): the first and last cycles, then, round-robin
 * over the turnover event types, the cycle right after each such event, then seeded random cycles. Sorted.
 */
export function stopPoints(shape: ReturnType<typeof runShape>, count: number, seed: number): number[] {
  const n = shape.cycles;
  const chosen = new Set<number>([1, Math.max(1, n - 1), n].slice(0, count));
  const queues = [...shape.turnovers.values()].map((cycles) => cycles.map((c) => c - shape.firstCycle + 1).filter((k) => k >= 1 && k <= n));
  const rng = createRng(seed);
  // each turnover type in turn, a random one of its cycles each time, so a small sample still covers every type
  while (chosen.size < count && queues.some((q) => q.length > 0)) {
    for (const q of queues) {
      if (q.length === 0 || chosen.size >= count) continue;
      chosen.add(q.splice(Math.floor(rng.next() * q.length), 1)[0]!);
    }
  }
  while (chosen.size < Math.min(count, n)) chosen.add(1 + Math.floor(rng.next() * n));
  return [...chosen].sort((a, b) => a - b);
}

export interface StopResult {
  stopAfter: number;
  /** null: byte-identical to the uninterrupted run. */
  difference: string | null;
}

/**
 * Stop after `k` cycles (`--cycles k`), resume with the run's own command, and compare with the uninterrupted run's
 * files. `args` is the run's command without folders; `dir` a new folder for this trial.
 */
export async function stopAndResume(run: CoceRunner, args: readonly string[], cwd: string, dir: string, k: number, want: Record<string, string>): Promise<StopResult> {
  const first = await run([...args, '--cycles', String(k), ...dirArgs(dir)], cwd);
  if (first !== 0) return { stopAfter: k, difference: `the run to the stop exited ${first}` };
  const second = await run([...args, ...dirArgs(dir)], cwd);
  if (second !== 0) return { stopAfter: k, difference: `the resumed run exited ${second}` };
  return { stopAfter: k, difference: firstDifference(want, folderFiles(dir)) };
}
