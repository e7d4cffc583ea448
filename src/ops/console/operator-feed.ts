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

  constructor(
    private readonly mode: string,
    private readonly logDir: string,
  ) {}

  /** At start-up, before the first cycle: the run so far. */
  load(state: EngineState): ConsoleSnapshot | null {
    this.history = historyFromLogs(this.logDir, state);
    this.latest = state.lastCompletedCycle === null ? null : consoleSnapshot(state, this.history, this.mode);
    return this.latest;
  }

  /** After a cycle: its events added, the new snapshot. */
  update(state: EngineState, events: readonly LogEvent[]): ConsoleSnapshot {
    addEvents(this.history, events, state.startNavUsd);
    this.latest = consoleSnapshot(state, this.history, this.mode);
    return this.latest;
  }

  /** The latest snapshot (null before the first completed cycle). */
  get snapshot(): ConsoleSnapshot | null {
    return this.latest;
  }
}
