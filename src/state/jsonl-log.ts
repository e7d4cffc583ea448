import { closeSync, existsSync, fsyncSync, ftruncateSync, mkdirSync, openSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { describeFsError, PathError } from '../utils/errors.js';

/** One line of a JSONL event log: `ts` (ISO-8601 UTC), `type` and `cycle` first, then the event's fields. */
export interface LogEvent {
  ts: string;
  type: string;
  cycle: number;
  [field: string]: unknown;
}

/**
 * An append-only JSONL file. Lines are written whole, one write per batch; the engine appends a cycle's events in
 * one batch before it saves state, and records the file's length in state so a restart can cut off the lines of a
 * cycle that crashed before its state was saved (see `truncateTo`).
 */
export class JsonlLog {
  readonly name: string;
  private fd: number | null = null;

  constructor(
    readonly file: string,
    private readonly scrub: (line: string) => string = (l) => l,
  ) {
    this.name = basename(file);
  }

  open(): void {
    if (this.fd !== null) return;
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      this.fd = openSync(this.file, 'a');
    } catch (err) {
      throw new PathError(`log file ${this.file} cannot be written (${describeFsError(err)})`, {
        file: this.file,
      });
    }
  }

  sizeBytes(): number {
    return existsSync(this.file) ? statSync(this.file).size : 0;
  }

  append(events: readonly LogEvent[]): void {
    if (events.length === 0) return;
    this.open();
    const text = events.map((e) => this.scrub(JSON.stringify(e)) + '\n').join('');
    writeFileSync(this.fd!, text); // loops until every byte is written
  }

  /** Flush appended lines to disk (before state records their length). */
  sync(): void {
    if (this.fd !== null) fsyncSync(this.fd);
  }

  /** Cut the file back to `bytes` (what a committed state recorded). Returns the number of bytes removed. */
  truncateTo(bytes: number): number {
    const size = this.sizeBytes();
    if (size <= bytes) return 0;
    const fd = openSync(this.file, 'r+');
    try {
      ftruncateSync(fd, bytes);
    } finally {
      closeSync(fd);
    }
    return size - bytes;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
