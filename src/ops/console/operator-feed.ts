import type { LogEvent } from '../../state/jsonl-log.js';
import type { EngineState } from '../../state/schema.js';
import { addEvents, consoleSnapshot, historyFromLogs, newHistory, type ConsoleHistory, type ConsoleSnapshot } from './console-figures.js';

/**
 * The daemon's figures for the operator, kept once for the console and Telegram: the history (from the logs at
 * start-up, so a restarted daemon shows what its logs hold, then from each cycle's events) and the latest snapshot.
 */
export class OperatorFeed {
  private history: ConsoleHistory = newHistory();
  private latest: ConsoleSnapshot | null = null;

  /** The requests the last cycle's state records applied (what the queue's count leaves out). */
  private applied: EngineState['operatorApplied'];

  constructor(
    private readonly mode: string,
    private readonly logDir: string,
    /** Operator requests waiting, given what a state records applied (ControlQueue.waiting); none without a queue. */
    private readonly waiting: (applied: EngineState['operatorApplied']) => number = () => 0,
  ) {}

  /** At start-up, before the first cycle: the run so far. */
  load(state: EngineState): ConsoleSnapshot | null {
    this.history = historyFromLogs(this.logDir, state);
    this.applied = state.operatorApplied;
    this.latest = state.lastCompletedCycle === null ? null : consoleSnapshot(state, this.history, this.mode, this.waiting(this.applied));
    return this.latest;
  }

  /** After a cycle: its events added, the new snapshot. */
  update(state: EngineState, events: readonly LogEvent[]): ConsoleSnapshot {
    addEvents(this.history, events, state.startNavUsd);
    this.applied = state.operatorApplied;
    this.latest = consoleSnapshot(state, this.history, this.mode, this.waiting(this.applied));
    return this.latest;
  }

  /**
   * After a request was queued between cycles: the latest snapshot with the new count (the state itself may be
   * mid-cycle, so nothing else is recomputed); null before the first cycle.
   */
  requestQueued(): ConsoleSnapshot | null {
    if (this.latest !== null) this.latest = { ...this.latest, requestsWaiting: this.waiting(this.applied) };
    return this.latest;
  }

  /** The latest snapshot (null before the first completed cycle). */
  get snapshot(): ConsoleSnapshot | null {
    return this.latest;
  }
}
