import { closeSync, existsSync, ftruncateSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';

/**
 * A CSV file that a download appends to page by page and that a killed download resumes from. Opening it drops a
 * torn last line (a kill in the middle of an append) and hands back the complete last lines, from which the caller
 * knows where to go on; every append is one write of whole lines, so nothing is ever staged twice.
 */
export class StagedFile {
  private constructor(
    readonly path: string,
    private readonly fd: number,
    /** Whole lines after the header, at most the last `tailLines` of them, oldest first. */
    readonly tail: string[],
    /** Bytes cut from a torn last line when it was opened (0: none). */
    readonly tornBytes: number,
  ) {}

  /** Open (or create with `header`) the file; a header that differs is refused (a file of another layout). */
  static open(path: string, header: string, tailLines = 2000): StagedFile {
    const fresh = !existsSync(path);
    const fd = openSync(path, fresh ? 'w+' : 'r+');
    const size = fstatSync(fd).size;
    // the header and the end are all that is needed: read the first line and a tail of the file
    const headBuf = Buffer.alloc(Math.min(size, header.length + 1));
    readSync(fd, headBuf, 0, headBuf.length, 0);
    const tailStart = Math.max(0, size - (1 << 20));
    const tailBuf = Buffer.alloc(size - tailStart);
    readSync(fd, tailBuf, 0, tailBuf.length, tailStart);
    const text = tailBuf.toString('utf8');
    const lastNewline = text.lastIndexOf('\n');
    const keep = tailStart + (lastNewline + 1);
    let torn = size - keep;
    if (size > 0 && headBuf.toString('utf8') !== header + '\n') {
      if (keep === 0) torn = size; // not even the header was written whole
      else {
        closeSync(fd);
        throw new Error(`${path} is not a staged file of this download (its first line is not "${header}")`);
      }
    }
    if (torn > 0) ftruncateSync(fd, size - torn);
    if (size - torn === 0) writeSync(fd, header + '\n', 0);
    const lines = text.slice(0, lastNewline + 1).split('\n').filter((l) => l !== '' && l !== header);
    if (tailStart > 0) lines.shift(); // the tail's first line may start mid-line
    return new StagedFile(path, fd, lines.slice(-tailLines), torn);
  }

  /** Append whole lines in one write. */
  append(lines: readonly string[]): void {
    if (lines.length === 0) return;
    writeSync(this.fd, lines.join('\n') + '\n', fstatSync(this.fd).size);
  }

  close(): void {
    closeSync(this.fd);
  }
}
