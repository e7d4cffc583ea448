import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { compiledModule } from '../utils/compiled-module.js';
import { enableGc } from '../utils/collect-garbage.js';
import { SweepError } from '../utils/errors.js';
import type { SweepJob } from './sweep-grid.js';
import { failedResult, runSweepJob, type SweepResult } from './sweep-job.js';

/**
 * A sweep on this machine: the jobs on `workers` threads, one back-test per thread at a time, each in its own folder
 * `<out>/<job id>`. Results come back in job order. A thread that dies is replaced and its job recorded as failed.
 * From the TypeScript sources without a build (no compiled thread script) the jobs run one by one on this thread.
 */
export async function runSweepLocal(jobs: readonly SweepJob[], out: string, workers = availableParallelism(), onDone?: (r: SweepResult) => void, signal?: AbortSignal): Promise<SweepResult[]> {
  const results: SweepResult[] = new Array<SweepResult>(jobs.length);
  let finished = 0;
  const stopped = () => new SweepError(`sweep stopped by a signal after ${finished} of ${jobs.length} back-tests (their folders are under ${out}; no sweep.json)`);
  const script = compiledModule(import.meta.url, 'sweep-thread.js');
  if (script === null) {
    for (let k = 0; k < jobs.length; k++) {
      if (signal?.aborted) throw stopped();
      results[k] = await runSweepJob(jobs[k]!, join(out, jobs[k]!.id));
      finished++;
      onDone?.(results[k]!);
    }
    return results;
  }
  enableGc(); // before the threads start: each back-test collects its warm-up's garbage on its own thread
  let next = 0;
  const runOn = (w: Worker, job: SweepJob): Promise<{ r: SweepResult; dead: boolean }> =>
    new Promise((res) => {
      const done = (r: SweepResult, dead: boolean) => {
        w.off('message', onMessage);
        w.off('error', onError);
        w.off('exit', onExit);
        res({ r, dead });
      };
      const onMessage = (m: SweepResult) => done(m, false);
      const onError = (err: Error) => done(failedResult(job, `worker failed: ${err.message}`), true);
      const onExit = (code: number) => done(failedResult(job, `worker exited (code ${code})`), true);
      w.on('message', onMessage);
      w.on('error', onError);
      w.on('exit', onExit);
      w.postMessage({ job, dir: join(out, job.id) });
    });
  // Ctrl-C: the threads are stopped mid back-test, no new one starts
  const threads = new Set<Worker>();
  const onAbort = () => {
    for (const w of threads) void w.terminate();
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  const one = async (): Promise<void> => {
    let w = new Worker(script);
    threads.add(w);
    try {
      while (next < jobs.length && signal?.aborted !== true) {
        const k = next++;
        const { r, dead } = await runOn(w, jobs[k]!);
        if (signal?.aborted) return;
        results[k] = r;
        finished++;
        onDone?.(r);
        if (dead) {
          await w.terminate();
          threads.delete(w);
          w = new Worker(script);
          threads.add(w);
        }
      }
    } finally {
      threads.delete(w);
      await w.terminate();
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(workers, jobs.length)) }, one));
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  if (signal?.aborted) throw stopped();
  return results;
}
