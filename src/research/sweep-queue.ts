import { hostname } from 'node:os';
import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { compiledModule } from '../utils/compiled-module.js';
import { enableGc } from '../utils/collect-garbage.js';
import { SweepError, UsageError } from '../utils/errors.js';
import { safeQueueUrl } from './queue-url.js';
import type { SweepJob } from './sweep-grid.js';
import { failedResult, type SweepResult } from './sweep-job.js';

/** The one queue every sweep and worker shares; each job's id carries its sweep's id. */
export const SWEEP_QUEUE = 'coce-sweep';

/** A connection that gives up at once when Redis is not there (a clear error instead of retrying forever). */
async function connect(url: string, forWorker: boolean): Promise<Redis> {
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    await probe.ping();
  } catch (err) {
    throw new UsageError(`cannot reach Redis at ${safeQueueUrl(url)}: ${(err as Error).message}`);
  } finally {
    probe.disconnect();
  }
  // BullMQ's blocking calls need maxRetriesPerRequest null on a worker's connection
  const c = new Redis(url, { maxRetriesPerRequest: forWorker ? null : 20 });
  c.on('error', () => undefined); // ioredis reconnects by itself; a lasting outage shows as jobs not moving
  return c;
}

export interface QueueSweepOptions {
  url: string;
  /** Unique per sweep (the --out folder's name and a time stamp): job ids are `<sweepId>.<job id>`. */
  sweepId: string;
  /** Times a job is tried when its back-test process fails (not when the back-test reports an error). */
  attempts?: number;
  onDone?: (r: SweepResult, done: number, total: number, by: string | null) => void;
  pollMs?: number;
  /** Ctrl-C / SIGTERM: the sweep's jobs no worker has started are withdrawn from the queue, then a SweepError. */
  signal?: AbortSignal;
}

/** Finished jobs nobody collects (a producer stopped) leave Redis after this long. */
const KEEP_FINISHED = { age: 7 * 86_400 };

/**
 * Enqueues every job of a sweep and waits for all of them, from any number of `coce worker`s. A worker that dies
 * mid-job loses its lock; BullMQ's stalled check hands the job to another worker, and the result is taken once per
 * job id (a late answer from a worker whose lock was taken is refused by BullMQ). Results come back in job order;
 * the jobs are removed from Redis once read.
 */
export async function runSweepOnQueue(jobs: readonly SweepJob[], o: QueueSweepOptions): Promise<SweepResult[]> {
  const connection = await connect(o.url, false);
  const queue = new Queue(SWEEP_QUEUE, { connection });
  try {
    const idOf = (j: SweepJob) => `${o.sweepId}.${j.id}`;
    await queue.addBulk(jobs.map((j) => ({ name: 'backtest', data: j, opts: { jobId: idOf(j), attempts: o.attempts ?? 3, backoff: { type: 'fixed', delay: 1_000 }, removeOnComplete: KEEP_FINISHED, removeOnFail: KEEP_FINISHED } })));
    const results = new Map<string, SweepResult>();
    const byQueueId = new Map(jobs.map((j) => [idOf(j), j]));
    while (results.size < jobs.length) {
      if (o.signal?.aborted) throw await withdraw(queue, o.sweepId, results.size, jobs.length);
      // finished jobs of every sweep on the queue: ours are taken (and removed), others left to their producers
      const finished = [...(await queue.getJobs(['completed'])).map((job) => ({ job, ok: true })), ...(await queue.getJobs(['failed'])).map((job) => ({ job, ok: false }))];
      for (const { job, ok } of finished) {
        const j = job.id === undefined ? undefined : byQueueId.get(job.id);
        if (j === undefined || results.has(j.id)) continue;
        const r = ok ? (job.returnvalue as SweepResult) : failedResult(j, `failed on every attempt: ${job.failedReason}`);
        results.set(j.id, r);
        o.onDone?.(r, results.size, jobs.length, job.processedBy ?? null);
        await job.remove().catch(() => undefined);
      }
      if (results.size < jobs.length) await pause(o.pollMs ?? 250, o.signal);
    }
    return jobs.map((j) => results.get(j.id)!);
  } finally {
    await queue.close();
    connection.disconnect();
  }
}

const pause = (ms: number, signal: AbortSignal | undefined) =>
  new Promise<void>((res) => {
    const onAbort = () => {
      clearTimeout(t);
      res();
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      res();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** A stopped producer takes back the jobs of its sweep no worker has started; the ones running finish unread. */
async function withdraw(queue: Queue, sweepId: string, done: number, total: number): Promise<SweepError> {
  const ours = (j: Job | undefined) => j?.id?.startsWith(`${sweepId}.`) === true;
  let withdrawn = 0;
  for (const job of await queue.getJobs(['waiting', 'delayed', 'prioritized'])) {
    if (!ours(job)) continue;
    // a worker may take it meanwhile: then it is locked, cannot be removed, and runs
    if (await job.remove().then(() => true, () => false)) withdrawn++;
  }
  const running = (await queue.getJobs(['active'])).filter(ours).length;
  return new SweepError(`sweep ${sweepId} stopped after ${done} of ${total} back-tests: ${withdrawn} not started were withdrawn from the queue, ${running} running on workers finish unread (kept in Redis for 7 days)`);
}

export interface WorkerOptions {
  url: string;
  /** Back-tests this worker runs at once (one thread each). */
  concurrency: number;
  /** How long a job stays with a worker that stopped answering before another takes it. */
  lockMs: number;
  signal: AbortSignal;
  onEvent?: (what: 'started' | 'completed' | 'failed', job: { id: string; error?: string }) => void;
}

/** `coce worker`: runs sweep jobs from the queue until the signal (SIGINT/SIGTERM) stops it after the jobs in hand. */
export async function runQueueWorker(o: WorkerOptions): Promise<void> {
  const processor = compiledModule(import.meta.url, 'sweep-processor.js');
  if (processor === null) throw new UsageError('coce worker runs the compiled package: run npm run build first');
  enableGc(); // before BullMQ starts its threads: each back-test collects its warm-up's garbage on its own thread
  const connection = await connect(o.url, true);
  const worker = new Worker(SWEEP_QUEUE, processor, {
    connection,
    concurrency: o.concurrency,
    useWorkerThreads: true,
    lockDuration: o.lockMs,
    stalledInterval: o.lockMs,
    // a job whose workers keep dying is a job that kills workers: after this many it fails instead of looping
    maxStalledCount: 5,
    name: `${hostname()}:${process.pid}`,
  });
  worker.on('active', (job: Job) => o.onEvent?.('started', { id: job.id ?? '' }));
  worker.on('completed', (job: Job) => o.onEvent?.('completed', { id: job.id ?? '' }));
  worker.on('failed', (job: Job | undefined, err: Error) => o.onEvent?.('failed', { id: job?.id ?? '', error: err.message }));
  worker.on('error', () => undefined); // connection trouble: ioredis reconnects
  await new Promise<void>((res) => {
    if (o.signal.aborted) res();
    else o.signal.addEventListener('abort', () => res(), { once: true });
  });
  await worker.close(); // waits for the jobs in hand
  connection.disconnect();
}

