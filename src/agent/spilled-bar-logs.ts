import { closeSync, mkdtempSync, openSync, readSync, rmdirSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BAR_LOG_FIELDS, MemoryBarLog, replayLogged, writeLogged, type BarLog, type BarLogFactory } from '../alpha/feature-engine.js';
import type { TradeStats } from '../domain/market.js';

/** Bars a log keeps in memory before it writes them out as one chunk. */
const CHUNK_BARS = 512;
const CHUNK_BYTES = CHUNK_BARS * BAR_LOG_FIELDS * 8;

/**
 * The bar logs of a back-test's lazy assets (FeatureEngine `lazy`), kept on disk past a small in-memory tail. A
 * 180-day 300-asset back-test logs some 200 assets it never trades, ~70 MB by its end: in memory, its RSS grew all
 * run (measured; issue 16). One anonymous temporary file holds every log's full chunks: it is unlinked as soon as it
 * is open, so nothing is left behind, even by a crash. Where no temporary file can be made, the logs stay in memory.
 */
export function spilledBarLogs(): BarLogFactory {
  let file: { fd: number; end: number } | null | undefined;
  const open = () => {
    if (file !== undefined) return file;
    try {
      const dir = mkdtempSync(join(tmpdir(), 'coce-bars-'));
      const path = join(dir, 'bars.bin');
      const fd = openSync(path, 'w+');
      unlinkSync(path);
      rmdirSync(dir);
      file = { fd, end: 0 };
      // closed with the thread's process; an open descriptor of an unlinked file frees its space on close
      process.once('exit', () => closeSync(fd));
    } catch {
      file = null;
    }
    return file;
  };
  return () => (open() === null ? new MemoryBarLog() : new SpilledBarLog(file!));
}

class SpilledBarLog implements BarLog {
  length = 0;
  private tail = new Float64Array(CHUNK_BARS * BAR_LOG_FIELDS);
  private inTail = 0;
  /** File positions of the full chunks written so far, oldest first. */
  private readonly chunks: number[] = [];

  constructor(private readonly file: { fd: number; end: number }) {}

  push(cycle: number, v0: number, v1: number, v2: number, score: number, ts: TradeStats | undefined): void {
    writeLogged(this.tail, BAR_LOG_FIELDS * this.inTail++, cycle, v0, v1, v2, score, ts);
    this.length++;
    if (this.inTail < CHUNK_BARS) return;
    const at = this.file.end;
    const bytes = new Uint8Array(this.tail.buffer, this.tail.byteOffset, CHUNK_BYTES);
    for (let done = 0; done < CHUNK_BYTES; ) done += writeSync(this.file.fd, bytes, done, CHUNK_BYTES - done, at + done);
    this.file.end += CHUNK_BYTES;
    this.chunks.push(at);
    this.inTail = 0;
  }

  drain(fn: Parameters<BarLog['drain']>[0]): void {
    const chunk = new Float64Array(CHUNK_BARS * BAR_LOG_FIELDS);
    const bytes = new Uint8Array(chunk.buffer);
    for (const at of this.chunks) {
      for (let done = 0; done < CHUNK_BYTES; ) {
        const n = readSync(this.file.fd, bytes, done, CHUNK_BYTES - done, at + done);
        if (n === 0) throw new Error(`bar log: the temporary file ends before its chunk at ${at}`);
        done += n;
      }
      replayLogged(chunk, 0, CHUNK_BARS, fn);
    }
    replayLogged(this.tail, 0, this.inTail, fn);
    this.chunks.length = 0;
    this.inTail = 0;
    this.length = 0;
    this.tail = new Float64Array(0);
  }
}
