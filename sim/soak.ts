/**
 * `npm run soak`: the long resume property. Trains a pump model, runs a 20-day sim and a 30-day back-test (with the
 * options sleeve) uninterrupted, then for each of `--stops` stop points (default 50 per run) stops a fresh copy of
 * the run after k cycles, resumes it with the same command and compares state.json and every log byte for byte. Every run is a real
 * `coce` process; `--workers` of them at a time (default: one per core).
 *
 *   npm run soak -- [--stops 50] [--seed S] [--workers N] [--only sim|backtest] [--at K1,K2,...]
 *
 * The sample of stop points is seeded; without --seed a random seed is drawn and printed, and `--seed S` replays it;
 * `--at` tries the given stop points only.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dirArgs, folderFiles, runShape, stopAndResume, stopPoints, type CoceRunner, type StopResult } from './resume-property.js';
import { arg, runAsScript } from './script-main.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(ROOT, 'bin', 'coce.js');

const coce: CoceRunner = (args, cwd) =>
  new Promise((res) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { PATH: process.env.PATH, LOG_LEVEL: 'error' }, stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('close', (code) => res(code ?? 1));
  });

async function pool<T, R>(items: readonly T[], workers: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(workers, items.length)) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}


async function soak(argv: string[]): Promise<number> {
  const stops = Number(arg(argv, '--stops') ?? 50);
  const seed = arg(argv, '--seed') === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(arg(argv, '--seed'));
  const workers = Number(arg(argv, '--workers') ?? availableParallelism());
  const only = arg(argv, '--only');
  if (!Number.isInteger(stops) || stops < 1 || !Number.isInteger(seed) || !Number.isInteger(workers) || workers < 1) {
    process.stderr.write('usage: npm run soak -- [--stops N] [--seed S] [--workers N] [--only sim|backtest]\n');
    return 2;
  }
  process.stdout.write(`soak: seed ${seed} (replay with --seed ${seed}), ${stops} stop points per run, ${workers} processes at a time\n`);
  const cwd = mkdtempSync(join(tmpdir(), 'coce-soak-'));
  mkdirSync(join(cwd, 'data'));
  const t0 = performance.now();
  if ((await coce(['train', '--days', '120', '--seed', '1', '--out', join(cwd, 'data', 'model.json')], cwd)) !== 0) throw new Error('coce train failed');
  process.stdout.write(`  model trained (${((performance.now() - t0) / 1000).toFixed(0)} s)\n`);
  const runs = [
    { label: 'sim 20 days, seed 7', args: ['run', '--mode', 'sim', '--days', '20', '--seed', '7'] },
    { label: 'back-test 30 days, seed 3, core and options sleeve', args: ['run', '--mode', 'backtest', '--days', '30', '--seed', '3', '--sleeve', 'all'] },
  ].filter((r) => only === undefined || r.args[2] === only);
  let failed = 0;
  for (const r of runs) {
    const ref = join(cwd, `ref-${r.args[2]}`);
    if ((await coce([...r.args, ...dirArgs(ref)], cwd)) !== 0) throw new Error(`${r.label}: the uninterrupted run failed`);
    const want = folderFiles(ref);
    const shape = runShape(ref);
    const at = arg(argv, '--at');
    const ks = at === undefined ? stopPoints(shape, stops, seed) : at.split(',').map(Number);
    const t1 = performance.now();
    let done = 0;
    const results: StopResult[] = await pool(ks, workers, async (k) => {
      const res = await stopAndResume(coce, r.args, cwd, join(cwd, `${r.args[2]}-k${k}`), k, want);
      done++;
      if (res.difference !== null) process.stdout.write(`  ${r.label}: stop after ${k} cycles: DIFFERS: ${res.difference}\n`);
      else if (done % 10 === 0) process.stdout.write(`  ${r.label}: ${done}/${ks.length} stop points identical\n`);
      return res;
    });
    const bad = results.filter((x) => x.difference !== null);
    failed += bad.length;
    process.stdout.write(
      `${r.label} (${shape.cycles} cycles): ${results.length - bad.length}/${results.length} stop points byte-identical in ${((performance.now() - t1) / 1000).toFixed(0)} s; stops after ${ks.join(', ')}\n`,
    );
  }
  process.stdout.write(failed === 0 ? 'soak: passed\n' : `soak: ${failed} stop points differ (seed ${seed})\n`);
  return failed === 0 ? 0 : 1;
}

runAsScript(import.meta.url, 'soak', soak);
