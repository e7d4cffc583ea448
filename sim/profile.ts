/**
 * `npm run profile`: where the standard back-test spends its time. Trains the pump model, runs `coce backtest`
 * (default 60 days, 300 assets, model on) under `node --cpu-prof`, and prints the ten functions with the most self
 * time and the share of each source area (ARIMA, feature engine, clustering, ...).
 *
 *   npm run profile -- [--days 60] [--seed 1] [--top 10] [--model FILE]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { arg, runAsScript, runCoce, standardBacktestFolder } from './script-main.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The source area of a frame: the folder under src/ (or the package under node_modules), else the runtime. */
function areaOf(url: string, fn: string): string {
  const src = /\/dist\/src\/([^/]+)\/(?:([^/]+)\/)?/.exec(url);
  if (src !== null) return src[1] === 'alpha' && src[2] === 'arima' ? 'alpha/arima' : src[1]!;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg !== null) return pkg[1]!;
  if (fn === '(garbage collector)') return 'garbage collection';
  return url === '' ? fn || '(native)' : 'node internals';
}

/** Self time per function and per area, in ms, from a V8 CPU profile. */
export function summarizeProfile(p: CpuProfile): { totalMs: number; idleMs: number; functions: { name: string; ms: number }[]; areas: { name: string; ms: number }[] } {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000));
  const fns = new Map<string, number>();
  const areas = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, ms] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    total += ms;
    if (functionName === '(idle)') idle += ms;
    if (functionName === '(idle)' || functionName === '(program)') continue;
    const where = url.replace(/^.*\/dist\//, '').replace(/^.*node_modules\//, '');
    const key = `${functionName || '(anonymous)'} ${where === '' ? '' : `${where}:${lineNumber + 1}`}`.trim();
    fns.set(key, (fns.get(key) ?? 0) + ms);
    const area = areaOf(url, functionName);
    areas.set(area, (areas.get(area) ?? 0) + ms);
  }
  const sorted = (m: Map<string, number>) => [...m].map(([name, ms]) => ({ name, ms })).sort((a, b) => b.ms - a.ms);
  return { totalMs: total, idleMs: idle, functions: sorted(fns), areas: sorted(areas) };
}

/** The thread number in a V8 profile's file name (CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile). */
const threadOf = (file: string) => Number(/\.(\d+)\.\d+\.cpuprofile$/.exec(file)?.[1] ?? 0);

async function profile(argv: string[]): Promise<number> {
  const days = Number(arg(argv, '--days') ?? 60);
  const seed = Number(arg(argv, '--seed') ?? 1);
  const top = Number(arg(argv, '--top') ?? 10);
  const { cwd, config } = await standardBacktestFolder('coce-profile-', arg(argv, '--model'));
  const t0 = performance.now();
  await runCoce(['backtest', '--days', String(days), '--seed', String(seed), '--config', config, '--out', join(cwd, 'run')], cwd, ['--cpu-prof', `--cpu-prof-dir=${join(cwd, 'prof')}`]);
  const wallS = (performance.now() - t0) / 1000;
  // one profile per thread (CPU.<date>.<time>.<pid>.<thread>.<seq>): the engine's is thread 0; a back-test's market
  // worker (bars, quality gate, universe and the model's features) is the next
  const files = readdirSync(join(cwd, 'prof')).filter((f) => f.endsWith('.cpuprofile')).sort((a, b) => threadOf(a) - threadOf(b));
  const out = [`back-test ${days} d, 300 assets, seed ${seed}, model on: ${wallS.toFixed(1)} s wall under the profiler`];
  for (const file of files.slice(0, 2)) {
    const s = summarizeProfile(JSON.parse(readFileSync(join(cwd, 'prof', file), 'utf8')) as CpuProfile);
    const pct = (ms: number) => `${((100 * ms) / s.totalMs).toFixed(1).padStart(5)} %`;
    const idle = s.idleMs / 1000;
    out.push('', `${threadOf(file) === threadOf(files[0]!) ? 'engine thread' : 'market worker'} (${(s.totalMs / 1000).toFixed(1)} s sampled, ${idle.toFixed(1)} s idle): top ${top} functions by self time:`);
    for (const f of s.functions.slice(0, top)) out.push(`  ${pct(f.ms)}  ${(f.ms / 1000).toFixed(2).padStart(7)} s  ${f.name}`);
    out.push('by area:');
    for (const a of s.areas.slice(0, 12)) out.push(`  ${pct(a.ms)}  ${(a.ms / 1000).toFixed(2).padStart(7)} s  ${a.name}`);
    out.push(`profile: ${join(cwd, 'prof', file)}`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
  return 0;
}

runAsScript(import.meta.url, 'profile', profile);
