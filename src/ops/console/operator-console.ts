import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { LogEvent } from '../../state/jsonl-log.js';
import { readJsonlLog } from '../../state/jsonl-log.js';
import type { EngineState } from '../../state/schema.js';
import { addEvents, consoleSnapshot, type ConsoleHistory } from './console-figures.js';
import { ConsoleServer } from './console-server.js';
import type { ControlQueue } from './operator-controls.js';

/**
 * The daemon's side of the console: the recent history (from the logs at start, then from each cycle's events) and
 * the server the page talks to. A restarted daemon shows what its logs hold, not an empty page.
 */
export class OperatorConsole {
  private readonly server: ConsoleServer;
  private readonly history: ConsoleHistory = { equity: [], alarms: [], guardrailTrips: [] };

  constructor(
    private readonly mode: string,
    private readonly logDir: string,
    o: { token: string | null; sessionTtlMs: number; controls: ControlQueue },
  ) {
    this.server = new ConsoleServer({ token: o.token, sessionTtlMs: o.sessionTtlMs, onControl: (r) => o.controls.push(r) });
  }

  async start(host: string, port: number, state: EngineState): Promise<number> {
    for (const name of ['equity.jsonl', 'meta_events.jsonl']) {
      const file = join(this.logDir, name);
      if (existsSync(file)) addEvents(this.history, readJsonlLog(file));
    }
    if (state.lastCompletedCycle !== null) this.server.publish(consoleSnapshot(state, this.history, this.mode));
    return this.server.start(host, port);
  }

  update(state: EngineState, events: readonly LogEvent[]): void {
    addEvents(this.history, events);
    this.server.publish(consoleSnapshot(state, this.history, this.mode));
  }

  close(): Promise<void> {
    return this.server.close();
  }
}
