/** One thread of the parameter sweep: runs the back-tests it is sent, one at a time, and answers with the summary. */
import { parentPort } from 'node:worker_threads';
import { join } from 'node:path';
import { runAgent } from '../src/agent/run-agent.js';
import { summarizeBacktest } from '../src/agent/backtest-summary.js';
import { createLogger } from '../src/utils/logger.js';
import { SecretScrubber } from '../src/utils/secret-scrubber.js';
import type { SweepJob, SweepResult } from './sweep.js';

const log = createLogger({ level: 'silent', pretty: false, scrubber: new SecretScrubber([]), out: { write: () => undefined } });

parentPort!.on('message', (job: SweepJob) => {
  void (async () => {
    let reply: SweepResult;
    try {
      const r = await runAgent(
        { mode: 'backtest', configFile: job.configFile, sleeveConfigFile: job.sleeveConfigFile, sleeve: 'core', days: job.days, seed: job.seed, stateDir: join(job.dir, 'data'), logDir: join(job.dir, 'logs'), restoreBackup: false, confirmLive: false, cwd: job.cwd },
        { env: { secrets: {}, logLevel: 'silent' }, log, signal: new AbortController().signal, scrub: (l) => l, forceExit: () => undefined },
      );
      reply = { job, summary: summarizeBacktest(r.logDir, { startNavUsd: r.run.startNavUsd, barMs: r.run.barMs, horizonBars: r.run.horizonBars, pumps: r.groundTruthPumps }), error: null };
    } catch (err) {
      reply = { job, summary: null, error: (err as Error).message };
    }
    parentPort!.postMessage(reply);
  })();
});
