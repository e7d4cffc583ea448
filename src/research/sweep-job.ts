import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dailyNavs, summarizeBacktest, type BacktestSummary } from '../agent/backtest-summary.js';
import { readJsonlLog } from '../state/jsonl-log.js';
import { runAgent, type RunDeps } from '../agent/run-agent.js';
import { createLogger } from '../utils/logger.js';
import { SecretScrubber } from '../utils/secret-scrubber.js';
import type { SweepJob } from './sweep-grid.js';

export interface SweepResult {
  id: string;
  values: Record<string, unknown>;
  seed: number | null;
  dataDir: string | null;
  summary: BacktestSummary | null;
  /** NAV at each UTC day's close (walk-forward windows are cut from it); empty when the back-test failed. */
  dailyNavUsd: { day: string; navUsd: number }[];
  /** Why the back-test did not finish (a config the data refuses, a missing model); null when it did. */
  error: string | null;
}

const silent = createLogger({ level: 'silent', pretty: false, scrubber: new SecretScrubber([]), out: { write: () => undefined } });

/**
 * What a research back-test (a sweep job, a check's run) gives the engine: no secrets, no log, never stopped; `onStep`
 * when the caller records the decisions.
 */
export function quietRunDeps(onStep?: RunDeps['onStep']): RunDeps {
  return { env: { secrets: {}, logLevel: 'silent' }, log: silent, signal: new AbortController().signal, scrub: (l) => l, forceExit: () => undefined, ...(onStep === undefined ? {} : { onStep }) };
}

/** The result of a job whose back-test did not finish: why. */
export function failedResult(job: SweepJob, error: string): SweepResult {
  return { id: job.id, values: job.values, seed: job.seed, dataDir: job.dataDir, summary: null, dailyNavUsd: [], error };
}

/**
 * One sweep job: `coce backtest` with the job's config in `dir` (its config files, state and logs), answered with
 * the back-test summary. A back-test that fails is a result too (its error), not a crash: the sweep reports it.
 */
export async function runSweepJob(job: SweepJob, dir: string): Promise<SweepResult> {
  const base = { id: job.id, values: job.values, seed: job.seed, dataDir: job.dataDir };
  try {
    mkdirSync(dir, { recursive: true });
    const configFile = join(dir, 'config.yaml');
    writeFileSync(configFile, job.configYaml);
    const sleeveConfigFile = job.sleeveYaml === null ? null : join(dir, 'sleeve.yaml');
    if (sleeveConfigFile !== null) writeFileSync(sleeveConfigFile, job.sleeveYaml!);
    const r = await runAgent(
      {
        mode: 'backtest',
        configFile,
        sleeveConfigFile,
        sleeve: 'core',
        ...(job.days === null ? {} : { days: job.days }),
        ...(job.seed === null ? {} : { seed: job.seed }),
        ...(job.dataDir === null ? {} : { dataDir: job.dataDir }),
        stateDir: join(dir, 'data'),
        logDir: join(dir, 'logs'),
        restoreBackup: false,
        confirmLive: false,
        cwd: job.cwd,
      },
      quietRunDeps(),
    );
    const summary = summarizeBacktest(r.logDir, { startNavUsd: r.run.startNavUsd, barMs: r.run.barMs, horizonBars: r.run.horizonBars, pumps: r.groundTruthPumps });
    return { ...base, summary, dailyNavUsd: dailyNavs(readJsonlLog(join(r.logDir, 'equity.jsonl'))), error: null };
  } catch (err) {
    return failedResult(job, (err as Error).message);
  }
}
