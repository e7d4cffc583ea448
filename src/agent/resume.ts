import { resolve } from 'node:path';
import { EventLogs } from '../state/event-logs.js';
import { acquireRunLock } from '../state/run-lock.js';
import { FileStateStore } from '../state/state-store.js';
import { StateError, UsageError } from '../utils/errors.js';
import { isoOf } from '../utils/time.js';
import { notificationOf, type Notifier } from '../utils/notifier.js';
import { MIN_REASON_CHARS } from '../ops/console/operator-controls.js';
import type { EngineState } from '../state/schema.js';

/**
 * Lifts a halt in `state` from `cycle` on (the audits then judge only what happens from there: no instant re-halt on
 * old data) and returns the `resume` event's fields. The one way a halt is lifted: `coce resume`, the console, Telegram.
 */
export function liftHalt(state: EngineState, cycle: number, reason: string): { reason: string; haltedSinceCycle: number | null; previousReason: string | null } {
  const was = state.killSwitch;
  state.killSwitch = { state: 'active', reason: `resumed: ${reason.trim()}`, sinceCycle: cycle };
  return { reason: reason.trim(), haltedSinceCycle: was.sinceCycle, previousReason: was.reason };
}

export interface ResumeResult {
  cycle: number;
  haltedSinceCycle: number | null;
  previousReason: string | null;
}

/**
 * `coce resume`: the one way to lift a halt. Takes the run's locks (the daemon must be stopped), records a `resume`
 * event with the operator's reason in meta_events.jsonl, then saves the state with the kill-switch active again.
 */
export function resumeTrading(o: { stateDir: string; logDir: string; reason: string; nowMs: number; notifier?: Notifier }): ResumeResult {
  if (o.reason.trim().length < MIN_REASON_CHARS) {
    throw new UsageError(`--reason must say why trading may start again in at least ${MIN_REASON_CHARS} characters (got ${JSON.stringify(o.reason.trim())}); it is kept in meta_events.jsonl`);
  }
  const store = new FileStateStore(o.stateDir);
  const locks = [acquireRunLock(o.stateDir)];
  const logs = new EventLogs(o.logDir);
  try {
    if (resolve(o.logDir) !== resolve(o.stateDir)) locks.push(acquireRunLock(o.logDir));
    const state = store.load();
    if (state === null) throw new StateError(`no state in ${store.path}: nothing to resume`);
    if (state.killSwitch.state !== 'halted') throw new UsageError(`trading is not halted (kill-switch ${state.killSwitch.state}); nothing to resume`);
    logs.open();
    logs.cut(logs.check({ offsets: state.logOffsets, tails: state.logTails }, state.lastCompletedCycle, store.path));
    const cycle = state.lastCompletedCycle ?? state.run.firstCycle;
    const event = { ts: isoOf(o.nowMs), type: 'resume', cycle, ...liftHalt(state, cycle, o.reason) };
    logs.append({ trades: [], equity: [], meta: [event] });
    logs.stamp(state);
    store.save(state);
    const n = notificationOf(event);
    if (n !== null) o.notifier?.notify(n);
    return { cycle, haltedSinceCycle: event.haltedSinceCycle, previousReason: event.previousReason };
  } finally {
    logs.close();
    for (const l of locks) l.release();
  }
}
