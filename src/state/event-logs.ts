import { join } from 'node:path';
import { JsonlLog, type LogEvent } from './jsonl-log.js';

export type LogName = 'trades' | 'meta' | 'equity';

/** File names inside the log folder, per the contract in DESIGN.md (equity.jsonl adds the per-cycle NAV line). */
export const LOG_FILES: Record<LogName, string> = {
  trades: 'trades.jsonl',
  meta: 'meta_events.jsonl',
  equity: 'equity.jsonl',
};

export interface LogRecovery {
  file: string;
  /** Bytes cut off (lines of a cycle whose state was never saved). */
  cutBytes: number;
  /** The file is shorter than state recorded: rotated, or another --log-dir. Nothing was cut. */
  shorterThanState: boolean;
}

/** The three JSONL logs of one run, written together at the end of each cycle. */
export class EventLogs {
  private readonly logs: Record<LogName, JsonlLog>;

  /** `durable`: fsync each written log before the engine saves state (off for back-tests, like state fsyncs). */
  constructor(
    readonly dir: string,
    scrub?: (line: string) => string,
    private readonly durable = true,
  ) {
    this.logs = {
      trades: new JsonlLog(join(dir, LOG_FILES.trades), scrub),
      meta: new JsonlLog(join(dir, LOG_FILES.meta), scrub),
      equity: new JsonlLog(join(dir, LOG_FILES.equity), scrub),
    };
  }

  /** Create the folder and files (so a run always leaves them) or throw PathError. */
  open(): void {
    for (const l of Object.values(this.logs)) l.open();
  }

  append(batches: Record<LogName, readonly LogEvent[]>): void {
    for (const name of Object.keys(this.logs) as LogName[]) {
      if (batches[name].length === 0) continue;
      this.logs[name].append(batches[name]);
      if (this.durable) this.logs[name].sync();
    }
  }

  /** Total bytes in the logs (a fresh run refuses a log folder that already holds another run's lines). */
  totalBytes(): number {
    return Object.values(this.logs).reduce((sum, l) => sum + l.sizeBytes(), 0);
  }

  offsets(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const l of Object.values(this.logs)) out[l.name] = l.sizeBytes();
    return out;
  }

  /** Cut each log back to the length a saved state recorded. */
  recover(offsets: Record<string, number>): LogRecovery[] {
    const out: LogRecovery[] = [];
    for (const l of Object.values(this.logs)) {
      const recorded = offsets[l.name];
      if (recorded === undefined) continue;
      const size = l.sizeBytes();
      if (size < recorded) out.push({ file: l.file, cutBytes: 0, shorterThanState: true });
      else if (size > recorded) out.push({ file: l.file, cutBytes: l.truncateTo(recorded), shorterThanState: false });
    }
    return out;
  }

  close(): void {
    for (const l of Object.values(this.logs)) l.close();
  }
}
