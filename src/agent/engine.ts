import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { MarketDataSource } from '../data_ingest/market-data-source.js';
import type { EventLogs, LogName } from '../state/event-logs.js';
import type { LogEvent } from '../state/jsonl-log.js';
import type { EngineState } from '../state/schema.js';
import type { StateStore } from '../state/state-store.js';
import type { Logger } from '../utils/logger.js';
import { notificationOf, type Notifier } from '../utils/notifier.js';
import { cloneData } from '../utils/clone-data.js';
import { cycleCloseMs, isoOf } from '../utils/time.js';
import type { Clock } from './clock.js';
import { newCycleContext, type CycleContext, type CycleStep } from './cycle-step.js';

export interface EngineDeps {
  clock: Clock;
  market: MarketDataSource;
  store: StateStore;
  logs: EventLogs;
  steps: CycleStep[];
  log: Logger;
  barMs: number;
  /** After downtime on the wall clock: run every missed cycle, or skip to the latest closed bar. */
  catchUp: 'skip' | 'run';
  /**
   * Save state (and write the logs) every this many cycles, and when the run stops. 1 in sim, testnet and live;
   * back-tests save less often for speed (a crash replays the unsaved cycles, the logs are cut back to match).
   */
  saveEveryCycles?: number;
  /** Audits, halts and reconciliation problems are sent here once their cycle has completed. */
  notifier?: Notifier;
  /** Called after every completed cycle (a progress bar, the health endpoint). */
  onCycle?: (cycle: number, state: EngineState, stats: { ms: number; orders: number; errors: number }, events: readonly LogEvent[]) => void;
  /** After every step of every cycle, with the cycle's context (`coce check` records the decisions from it). */
  onStep?: (step: string, ctx: CycleContext) => void;
}

/**
 * A copy for the cycle to work on, so a failed step leaves the last completed state intact. Deep except for parts
 * that steps never change in place: the equity curve is append-only (a shallow copy of its array is enough), the
 * gate's asset memory is replaced wholesale each cycle, and the universe benchmark's start prices are fixed once set.
 * Deep-cloning them every cycle was the largest cost of a back-test. Keys keep the order JSON.stringify saves them in.
 */
function draftOf(state: EngineState): EngineState {
  const draft: Record<string, unknown> = {};
  for (const key in state) {
    if (key === 'equityCurve' || key === 'assetMemory') continue;
    draft[key] = key === 'benchmark' ? benchmarkDraft(state.benchmark) : cloneData((state as unknown as Record<string, unknown>)[key]);
  }
  draft.equityCurve = state.equityCurve.slice();
  draft.assetMemory = state.assetMemory;
  return draft as unknown as EngineState;
}

function benchmarkDraft(b: EngineState['benchmark']): EngineState['benchmark'] {
  const out: Record<string, unknown> = {};
  for (const key in b) {
    const v = (b as Record<string, unknown>)[key];
    if (key !== 'universe' || b.universe === null) out[key] = cloneData(v);
    else {
      const u: Record<string, unknown> = {};
      for (const k in b.universe) u[k] = k === 'startPrices' ? b.universe.startPrices : cloneData((b.universe as Record<string, unknown>)[k]);
      out[key] = u;
    }
  }
  return out as EngineState['benchmark'];
}

export interface EngineRun {
  state: EngineState;
  cyclesRun: number;
  cyclesSkipped: number;
  stoppedBy: 'end' | 'signal';
}

/**
 * The one cycle runner of every mode. Each cycle: wait for the bar to close, take the market snapshot, run the steps
 * on a draft of the state, append the cycle's events, then save the state. A crash before the save leaves the last
 * completed cycle in state.json and log offsets that cut off the crashed cycle's lines on restart, so the cycle is
 * simply run again.
 */
export class Engine {
  private readonly log: Logger;

  constructor(private readonly d: EngineDeps) {
    this.log = d.log.child({ component: 'engine' });
  }

  /** Run from the cycle after `state.lastCompletedCycle` through `endCycle` (inclusive; null = until stopped). */
  async run(initial: EngineState, endCycle: number | null, signal: AbortSignal): Promise<EngineRun> {
    let state = initial;
    let cyclesRun = 0;
    let cyclesSkipped = 0;
    let next = state.lastCompletedCycle === null ? state.run.firstCycle : state.lastCompletedCycle + 1;
    let unsaved = 0;
    const saveEvery = this.d.saveEveryCycles ?? 1;
    while (!signal.aborted && (endCycle === null || next <= endCycle)) {
      const latestClosed = Math.floor(this.d.clock.nowMs() / this.d.barMs) - 1;
      if (this.d.catchUp === 'skip' && latestClosed > next) {
        const to = endCycle === null ? latestClosed : Math.min(latestClosed, endCycle);
        this.log.warn({ from: next, to, skipped: to - next }, 'missed cycles skipped (schedule.catch_up: skip)');
        cyclesSkipped += to - next;
        next = to;
      }
      await this.d.clock.sleepUntil(cycleCloseMs(next, this.d.barMs), signal);
      // Let signal handlers and timers run even when nothing in the cycle waits (unpaced sim and back-tests).
      await yieldToEventLoop();
      if (signal.aborted) break;
      const startedMs = performance.now();
      state = await this.runCycle(state, next);
      this.d.onCycle?.(next, state, { ms: performance.now() - startedMs, ...this.lastCounts }, this.lastEvents);
      cyclesRun++;
      next++;
      if (++unsaved >= saveEvery) {
        this.save(state);
        unsaved = 0;
      }
    }
    if (unsaved > 0) this.save(state);
    return { state, cyclesRun, cyclesSkipped, stoppedBy: signal.aborted ? 'signal' : 'end' };
  }

  /** Events of completed cycles not yet written; written together with the state that covers them. */
  private pending: Record<LogName, LogEvent[]> = { trades: [], meta: [], equity: [] };
  /** Orders sent and errors met in the last cycle (for the metrics). */
  private lastCounts = { orders: 0, errors: 0 };
  /** The last cycle's events (every log), for onCycle. */
  private lastEvents: LogEvent[] = [];

  private save(state: EngineState): void {
    this.d.logs.append(this.pending);
    this.pending = { trades: [], meta: [], equity: [] };
    this.d.logs.stamp(state);
    this.d.store.save(state);
  }

  private async runCycle(state: EngineState, cycle: number): Promise<EngineState> {
    const startedMs = performance.now();
    const closeMs = cycleCloseMs(cycle, this.d.barMs);
    const ts = isoOf(closeMs);
    const snapshot = await this.d.market.snapshot(cycle);
    const events: Record<LogName, LogEvent[]> = { trades: [], meta: [], equity: [] };
    const ctx = newCycleContext({
      cycle,
      closeMs,
      snapshot,
      navUsd: state.equityCurve.at(-1)?.navUsd ?? state.cashUsd,
      state: draftOf(state),
      emit: (log, type, fields = {}) => events[log].push({ ts, type, cycle, ...fields }),
    });
    for (const step of this.d.steps) {
      await step.run(ctx);
      this.d.onStep?.(step.name, ctx);
    }
    const next = ctx.state;
    next.lastCompletedCycle = cycle;
    next.lastCompletedTs = ts;
    for (const name of ['trades', 'meta', 'equity'] as const) for (const e of events[name]) this.pending[name].push(e);
    this.lastEvents = [...events.trades, ...events.meta, ...events.equity];
    this.lastCounts = {
      orders: events.trades.filter((e) => e.type === 'order_placed' || e.type === 'option_fill').length,
      errors: [...events.trades, ...events.meta].filter((e) => e.type.endsWith('_failed') || e.type === 'sleeve_error' || e.type === 'order_unknown').length,
    };
    // frequent events go to debug; the rest (universe, clusters, guardrails, halts) are worth an info line
    for (const e of events.meta) {
      const n = notificationOf(e);
      if (n !== null) this.d.notifier?.notify(n);
    }
    for (const e of events.meta) this.log[e.type === 'pump_alarm' || e.type === 'allocation' ? 'debug' : 'info']({ event: e }, `meta event: ${e.type}`);
    this.log.debug({ cycle, ts, ms: +(performance.now() - startedMs).toFixed(2) }, 'cycle completed');
    return next;
  }
}
