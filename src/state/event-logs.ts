import { join } from 'node:path';
import { StateError } from '../utils/errors.js';
import { ensureWritableDir } from './writable-dir.js';
import { JsonlLog, type LogEvent } from './jsonl-log.js';

export type LogName = 'trades' | 'meta' | 'equity';

/** File names inside the log folder, per the contract in DESIGN.md (equity.jsonl adds the per-cycle NAV line). */
export const LOG_FILES: Record<LogName, string> = {
  trades: 'trades.jsonl',
  meta: 'meta_events.jsonl',
  equity: 'equity.jsonl',
};

/** What a saved state records of its logs: each file's length, and a fingerprint of its end at that length. */
export interface LogMarks {
  offsets: Record<string, number>;
  /** Absent in states written before fingerprints existed: only lengths are checked then. */
  tails: Record<string, string>;
}

/** Lines a restart cuts off: those of cycles that never completed (their state was never saved). */
export interface LogCut {
  file: string;
  toBytes: number;
  cutBytes: number;
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

  /** Create the folder when missing and prove it can be written (PathError otherwise); no log file is created yet. */
  ensureWritable(): void {
    ensureWritableDir(this.dir, 'log folder');
  }

  /** Create the files (so a run always leaves them) or throw PathError. */
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

  /** Record the logs' lengths and fingerprints in a state about to be saved. */
  stamp(state: { logOffsets: LogMarks['offsets']; logTails: LogMarks['tails'] }): void {
    const m = this.marks();
    state.logOffsets = m.offsets;
    state.logTails = m.tails;
  }

  /** Lengths and fingerprints now: what the engine saves with state. */
  marks(): LogMarks {
    const offsets = this.offsets();
    const tails: Record<string, string> = {};
    for (const l of Object.values(this.logs)) tails[l.name] = l.fingerprint(offsets[l.name]!);
    return { offsets, tails };
  }

  /**
   * Prove these are the logs a saved state was written with, and say what a restart must cut. Each log must be at
   * least as long as recorded and end there with the recorded fingerprint; bytes past that point must be lines of
   * cycles after the state's last completed one (a cycle that crashed before its state was saved; the last line may
   * be torn). Anything else throws StateError naming the file, and nothing is changed: a state and logs that do not
   * belong together must never cut each other's history.
   */
  check(marks: LogMarks, lastCompletedCycle: number | null, statePath: string): LogCut[] {
    const cuts: LogCut[] = [];
    const fix = `Use the run's own --log-dir with ${statePath}, or a new --state-dir and --log-dir for a new run. Nothing was changed.`;
    for (const l of Object.values(this.logs)) {
      const recorded = marks.offsets[l.name];
      if (recorded === undefined) continue;
      const size = l.sizeBytes();
      if (size < recorded) {
        throw new StateError(`${l.file} holds ${size} bytes, but ${statePath} was saved when it held ${recorded}: these are not that run's logs (another --log-dir?), or the log was cut. ${fix}`, { file: l.file, size, recorded });
      }
      const tail = marks.tails[l.name];
      if (tail !== undefined && l.fingerprint(recorded) !== tail) {
        throw new StateError(`${l.file} does not end where ${statePath} recorded (at byte ${recorded}): it holds another run's lines, or was edited. ${fix}`, { file: l.file, recorded });
      }
      if (size === recorded) continue;
      const extra = l.readRange(recorded, size).toString('utf8').split('\n');
      extra.pop(); // after the last newline: empty, or a line torn by the crash
      for (const line of extra) {
        let cycle: unknown;
        try {
          cycle = (JSON.parse(line) as { cycle?: unknown }).cycle;
        } catch {
          cycle = undefined; // a damaged line is not a crashed cycle's either
        }
        if (typeof cycle !== 'number' || (lastCompletedCycle !== null && cycle < lastCompletedCycle)) {
          throw new StateError(
            `${l.file} has ${size - recorded} bytes after the ${recorded} that ${statePath} recorded, and they are not lines of a cycle after its last completed cycle ${String(lastCompletedCycle)} (${JSON.stringify(line.slice(0, 80))}). ${fix}`,
            { file: l.file, recorded, size },
          );
        }
      }
      cuts.push({ file: l.file, toBytes: recorded, cutBytes: size - recorded });
    }
    return cuts;
  }

  /** Cut the logs back as `check` said (lines of cycles that never completed). */
  cut(cuts: readonly LogCut[]): void {
    for (const c of cuts) Object.values(this.logs).find((l) => l.file === c.file)!.truncateTo(c.toBytes);
  }

  close(): void {
    for (const l of Object.values(this.logs)) l.close();
  }
}
