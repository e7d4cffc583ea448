/**
 * BullMQ's sandboxed processor for `coce worker`: each job runs on a worker thread, so the worker's main thread stays
 * free to renew the job's lock while a back-test keeps the CPU busy (a lock left to expire would hand a running job
 * to a second worker). The back-test runs in a scratch folder that is removed afterwards: only its result travels.
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SweepJob } from './sweep-grid.js';
import { runSweepJob, type SweepResult } from './sweep-job.js';

export default async function processSweepJob(job: { id?: string; data: SweepJob }): Promise<SweepResult> {
  const dir = join(tmpdir(), `coce-worker-${process.pid}`, (job.id ?? job.data.id).replace(/[^A-Za-z0-9._-]/g, '_'));
  try {
    return await runSweepJob(job.data, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
