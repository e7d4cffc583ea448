import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, fstatSync, ftruncateSync, mkdirSync, openSync, readSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { DataFileError, describeFsError, PathError } from '../utils/errors.js';

/** One line of a JSONL event log: `ts` (ISO-8601 UTC), `type` and `cycle` first, then the event's fields. */
export interface LogEvent {
  ts: string;
  type: string;
  cycle: number;
  [field: string]: unknown;
}

/** How much of a log's end its fingerprint covers: several lines, each with its cycle, time and figures. */
const TAIL_BYTES = 4096;

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

  /** The bytes from `from` to `to` (a range the caller knows exists). */
  readRange(from: number, to: number): Buffer {
    const buf = Buffer.alloc(Math.max(0, to - from));
    if (buf.length === 0) return buf;
    const fd = openSync(this.file, 'r');
    try {
      let got = 0;
      while (got < buf.length) {
        const n = readSync(fd, buf, got, buf.length - got, from + got);
        if (n === 0) break;
        got += n;
      }
      return buf.subarray(0, got);
    } finally {
      closeSync(fd);
    }
  }

  /**
   * A fingerprint of the file's content up to `bytes`: sha256 of its last TAIL_BYTES bytes there (16 hex digits).
   * State records it with the length, so a restart can tell this run's log from another run's of any length.
   */
  fingerprint(bytes: number): string {
    return createHash('sha256').update(this.readRange(Math.max(0, bytes - TAIL_BYTES), bytes)).digest('hex').slice(0, 16);
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

/**
 * The events of a JSONL log, up to `bytes` when given (the length state.json recorded: lines a running daemon is
 * writing now, or a crashed cycle's, are not part of the run yet). A log the run never wrote has none; a line that
 * is not JSON is named.
 */
export function readJsonlLog(file: string, bytes?: number): LogEvent[] {
  const out: LogEvent[] = [];
  forEachJsonlEvent(file, bytes, (e) => out.push(e));
  return out;
}

/**
 * The same events one at a time, read in chunks: a daemon's logs grow without bound and one string of a whole log
 * would not fit in memory (nor in V8's largest string). `keep` sees a line's text first: a line it refuses is not
 * parsed (a reader that wants a few event types skips the rest cheaply).
 */
export function forEachJsonlEvent(file: string, bytes: number | undefined, each: (e: LogEvent) => void, keep: (line: string) => boolean = () => true): void {
  if (!existsSync(file)) return;
  const fd = openSync(file, 'r');
  try {
    const end = Math.min(bytes ?? Infinity, fstatSync(fd).size);
    const chunk = Buffer.alloc(Math.min(4 << 20, Math.max(1, end)));
    let rest = Buffer.alloc(0);
    let pos = 0;
    let lineNo = 0;
    const line = (buf: Buffer) => {
      lineNo++;
      if (buf.length === 0) return;
      const text = buf.toString('utf8');
      if (!keep(text)) return;
      let e: LogEvent;
      try {
        e = JSON.parse(text) as LogEvent;
      } catch {
        throw new DataFileError(`${file} line ${lineNo} is not JSON: the log is damaged`);
      }
      each(e);
    };
    while (pos < end) {
      const n = readSync(fd, chunk, 0, Math.min(chunk.length, end - pos), pos);
      if (n === 0) break;
      pos += n;
      let buf = rest.length === 0 ? chunk.subarray(0, n) : Buffer.concat([rest, chunk.subarray(0, n)]);
      let nl: number;
      while ((nl = buf.indexOf(10)) >= 0) {
        line(buf.subarray(0, nl));
        buf = buf.subarray(nl + 1);
      }
      rest = Buffer.from(buf); // a copy: the chunk is reused
    }
    line(rest);
  } finally {
    closeSync(fd);
  }
}
