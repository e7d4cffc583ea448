import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CycleContext } from '../agent/cycle-step.js';
import { runAgent } from '../agent/run-agent.js';
import { readMarketMeta } from '../data_ingest/recorded/recorded-market.js';
import { UsageError } from '../utils/errors.js';
import { DAY_MS } from '../utils/time.js';
import { describeDifference, firstDifference, traceInto, type DecisionDifference, type DecisionTrace } from './decision-trace.js';
import { cutRecordedFolder } from './market-cut.js';
import { quietRunDeps } from './sweep-job.js';

export interface CheckOptions {
  /** A recorded folder (coce data generate / import): the data the engine runs on. */
  dataDir: string;
  configFile: string;
  sleeveConfigFile: string | null;
  cwd: string;
  /** Days of the run (default: the whole folder). */
  days?: number;
  /** For tests: a hook run after each step before the decisions are read, given the folder the run reads. */
  instrument?: (dataDir: string) => (step: string, ctx: CycleContext) => void;
  /** Progress lines. */
  say?: (s: string) => void;
}


/** One back-test on `dataDir`, its decisions recorded after every step. */
async function traceRun(o: CheckOptions, dataDir: string, days: number | undefined): Promise<DecisionTrace> {
  const trace: DecisionTrace = new Map();
  const record = traceInto(trace);
  const hook = o.instrument?.(dataDir);
  const dir = mkdtempSync(join(tmpdir(), 'coce-check-'));
  try {
    await runAgent(
      { mode: 'backtest', configFile: o.configFile, sleeveConfigFile: o.sleeveConfigFile, sleeve: 'core', ...(days === undefined ? {} : { days }), dataDir, stateDir: join(dir, 'data'), logDir: join(dir, 'logs'), restoreBackup: false, confirmLive: false, cwd: o.cwd },
      quietRunDeps((step, ctx) => {
        hook?.(step, ctx);
        record(step, ctx);
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return trace;
}

function runDays(o: CheckOptions): { days: number; firstCycle: number; barMs: number; historyStartCycle: number } {
  const meta = readMarketMeta(o.dataDir);
  const barsPerDay = DAY_MS / meta.barMs;
  const whole = Math.floor((meta.lastCycle - meta.firstCycle + 1) / barsPerDay);
  const days = o.days ?? whole;
  if (days < 1 || days > whole) throw new UsageError(`--days must be between 1 and the ${whole} whole days of ${o.dataDir} (got ${days})`);
  return { days, firstCycle: meta.firstCycle, barMs: meta.barMs, historyStartCycle: meta.historyStartCycle };
}

export interface LookaheadReport {
  cuts: { lastCycle: number; cycles: number; difference: DecisionDifference | null }[];
  ok: boolean;
  text: string;
}

/**
 * The look-ahead check: the engine on the whole data, then on copies of it cut after several bars; every decision
 * made at a bar the cut copy still has must be the same in both runs (a decision that changes when later bars are
 * missing was made with them). The first difference names the cycle, the step and the field.
 */
export async function checkLookahead(o: CheckOptions & { cuts: number }): Promise<LookaheadReport> {
  const { days, firstCycle, barMs } = runDays(o);
  const totalCycles = days * (DAY_MS / barMs);
  o.say?.(`look-ahead: the engine on ${days} days of ${o.dataDir}, then on copies cut at ${o.cuts} points`);
  const full = await traceRun(o, o.dataDir, days);
  const cuts: LookaheadReport['cuts'] = [];
  const work = mkdtempSync(join(tmpdir(), 'coce-cut-'));
  try {
    for (let k = 1; k <= o.cuts; k++) {
      // cut points spread evenly over the run
      const cycles = Math.max(1, Math.floor((k * totalCycles) / (o.cuts + 1)));
      const lastCycle = firstCycle + cycles - 1;
      const dir = join(work, `cut-${lastCycle}`);
      cutRecordedFolder(o.dataDir, dir, { lastCycle });
      const trace = await traceRun(o, dir, undefined); // to the cut folder's end
      const compared = [...trace.keys()].filter((c) => c <= lastCycle).sort((a, b) => a - b);
      const difference = firstDifference(full, trace, compared);
      cuts.push({ lastCycle, cycles: compared.length, difference });
      o.say?.(`  cut after cycle ${lastCycle} (${compared.length} bars compared): ${difference === null ? 'same decisions' : 'DIFFERENT'}`);
      rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const bad = cuts.filter((c) => c.difference !== null);
  const text =
    bad.length === 0
      ? `look-ahead check passed: every decision at ${cuts.map((c) => c.cycles).join(', ')} bars is the same with and without the later bars`
      : `look-ahead check FAILED: ${bad.map((c) => describeDifference(c.difference!, barMs, { reference: 'with later bars', other: 'without them' })).join('\n  ')}`;
  return { cuts, ok: bad.length === 0, text };
}

export interface WarmupReport {
  runs: { warmupDays: number; difference: DecisionDifference | null }[];
  /** The shortest warm-up from which every longer one decides the same as the longest; null when none does. */
  minimumDays: number | null;
  ok: boolean;
  text: string;
}

/**
 * The warm-up check: the engine on the same days with the history before them cut to several lengths; decisions made
 * with any warm-up of at least `minDays` must equal those with the longest (the data's whole history).
 */
export async function checkWarmup(o: CheckOptions & { minDays: number; stepDays: number }): Promise<WarmupReport> {
  const { days, firstCycle, barMs, historyStartCycle } = runDays(o);
  const barsPerDay = DAY_MS / barMs;
  const longest = Math.floor((firstCycle - historyStartCycle) / barsPerDay);
  if (o.minDays > longest) throw new UsageError(`--min-days ${o.minDays} is longer than the ${longest} days of history in ${o.dataDir}`);
  o.say?.(`warm-up: the engine on ${days} days of ${o.dataDir} after ${longest} days of history, then after shorter ones`);
  const reference = await traceRun(o, o.dataDir, days);
  const cycles = [...reference.keys()].sort((a, b) => a - b);
  const runs: WarmupReport['runs'] = [];
  const work = mkdtempSync(join(tmpdir(), 'coce-warmup-'));
  try {
    for (let w = longest - o.stepDays; w >= 0; w -= o.stepDays) {
      const dir = join(work, `warmup-${w}`);
      cutRecordedFolder(o.dataDir, dir, { firstHistoryCycle: firstCycle - w * barsPerDay });
      const difference = firstDifference(reference, await traceRun(o, dir, days), cycles);
      runs.push({ warmupDays: w, difference });
      o.say?.(`  ${w} days of warm-up: ${difference === null ? 'same decisions' : `differ from cycle ${difference.cycle} (${difference.step}.${difference.field})`}`);
      rmSync(dir, { recursive: true, force: true });
      if (difference !== null && w < o.minDays) break; // shorter ones are not asked about, and this one already differs
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  let minimumDays: number | null = longest;
  for (const r of runs) {
    if (r.difference !== null) break;
    minimumDays = r.warmupDays;
  }
  const bad = runs.filter((r) => r.warmupDays >= o.minDays && r.difference !== null);
  const text =
    bad.length === 0
      ? `warm-up check passed: from ${minimumDays} days of warm-up on, decisions are those of the longest (${longest} days); the stated minimum is ${o.minDays} days`
      : `warm-up check FAILED: with ${bad[0]!.warmupDays} days of warm-up (>= the stated minimum ${o.minDays}) ${describeDifference(bad[0]!.difference!, barMs, { reference: `after ${longest} days`, other: `after ${bad[0]!.warmupDays}` })}; decisions stop changing from ${minimumDays} days`;
  return { runs, minimumDays, ok: bad.length === 0, text };
}
