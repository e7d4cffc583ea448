/** One worker thread of a local sweep: runs the jobs it is sent, one at a time, and answers with the result. */
import { parentPort } from 'node:worker_threads';
import type { SweepJob } from './sweep-grid.js';
import { runSweepJob } from './sweep-job.js';

parentPort!.on('message', (m: { job: SweepJob; dir: string }) => {
  void runSweepJob(m.job, m.dir).then((r) => parentPort!.postMessage(r));
});
