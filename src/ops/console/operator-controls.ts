import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { StateError } from '../../utils/errors.js';

/** Why a halt is lifted must be said, in at least this many characters (`coce resume --reason`, console, Telegram). */
export const MIN_REASON_CHARS = 3;

/** An asset a control may name: a ticker, nothing a log line or a page could mistake for markup. */
export const ASSET_PATTERN = /^[A-Za-z0-9._-]{1,20}$/;

/** What an operator can ask of the running engine (console or Telegram); applied at the next cycle. */
export type ControlKind = 'pause_entries' | 'resume_entries' | 'flatten' | 'lift_halt';

export interface ControlRequest {
  /** Unique per request: the meta event carries it, so one request is one event. */
  id: string;
  kind: ControlKind;
  /** flatten: the asset, or null for every position. */
  symbol?: string | null;
  /** lift_halt: why (logged, as `coce resume --reason`). */
  reason?: string;
  /** Who asked: `console <session prefix> from <address>`, `telegram chat <id>`. */
  by: string;
}

const requestSchema = z.strictObject({
  id: z.string().min(1),
  kind: z.enum(['pause_entries', 'resume_entries', 'flatten', 'lift_halt']),
  symbol: z.string().regex(ASSET_PATTERN).nullable().optional(),
  reason: z.string().optional(),
  by: z.string().min(1),
});
const fileSchema = z.strictObject({ version: z.literal(1), pending: z.array(requestSchema) });

/** Where a run's requests wait: its state folder (`coce run` and `coce status` read the same file). */
export const requestFileIn = (stateDir: string): string => join(stateDir, 'operator-requests.json');

/**
 * Requests waiting for a cycle, in arrival order. With a file (`<state dir>/operator-requests.json`) a request the
 * operator was told is queued survives a crash or restart: it leaves the file only once the saved state and its
 * backup both record it applied (`state.operatorApplied`, the operator step decides), so a cycle that crashed after
 * applying it applies it again when redone, a saved one never twice, and `--restore-backup` loses none. This holds
 * because state is saved after every cycle wherever requests are taken (not in back-tests).
 */
export class ControlQueue {
  private pending: ControlRequest[] = [];

  constructor(private readonly file: string | null = null) {
    if (file === null || !existsSync(file)) return;
    let parsed: z.infer<typeof fileSchema>;
    try {
      parsed = fileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    } catch (err) {
      throw new StateError(`${file} is damaged (${err instanceof z.ZodError ? err.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : (err as Error).message}): move it away to drop the operator requests it holds`);
    }
    this.pending = parsed.pending.map((r) => ({ ...r }));
  }

  /** Queues a request, saved before this returns (a request that cannot be saved is refused with a StateError). */
  push(r: ControlRequest): void {
    this.pending.push(r);
    try {
      this.persist();
    } catch (err) {
      this.pending.pop();
      throw new StateError(`could not save the operator request to ${this.file}: ${(err as Error).message}`);
    }
  }

  /**
   * Every waiting request, after those in `settledIds` (applied, in the saved state and its backup) leave the queue.
   */
  take(settledIds: readonly string[]): ControlRequest[] {
    const before = this.pending.length;
    if (settledIds.length > 0) this.pending = this.pending.filter((r) => !settledIds.includes(r.id));
    if (this.pending.length !== before) this.persist();
    return [...this.pending];
  }

  /** Drops every waiting request (a new run does not inherit an earlier run's). */
  clear(): void {
    if (this.pending.length === 0) return;
    this.pending = [];
    this.persist();
  }

  /** How many requests the next cycle will apply, given what the state records applied (changes nothing). */
  waiting(applied: readonly { id: string }[] = []): number {
    return this.pending.filter((r) => !applied.some((a) => a.id === r.id)).length;
  }

  private persist(): void {
    if (this.file === null) return;
    const tmp = `${this.file}.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, JSON.stringify({ version: 1, pending: this.pending }) + '\n');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
    // the rename itself must survive a power cut: the folder's entry is fsynced too (as the state store does)
    const dir = openSync(dirname(this.file), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  }
}
