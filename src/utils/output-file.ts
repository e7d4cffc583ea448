import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { describeFsError, PathError } from './errors.js';

/**
 * Write a file the operator named (a report, a JSON export, a model). A path that cannot be written is a PathError
 * naming it; an existing file is replaced only when `ours` recognises it as an earlier output of the same kind, so
 * a slip such as `--out config/base.yaml` never destroys another file.
 */
export function writeOutputFile(file: string, text: string, what: string, ours?: (existing: string) => boolean): void {
  assertReplaceable(file, what, ours);
  try {
    writeFileSync(file, text);
  } catch (err) {
    throw new PathError(`${what} ${file} cannot be written (${describeFsError(err)})`, { file });
  }
}

/** Throws unless `file` is absent, or a file that `ours` recognises (nothing is written). */
export function assertReplaceable(file: string, what: string, ours?: (existing: string) => boolean): void {
  if (ours === undefined || !existsSync(file) || !statSync(file).isFile()) return;
  let existing: string;
  try {
    existing = readFileSync(file, 'utf8');
  } catch (err) {
    throw new PathError(`${what} ${file} cannot be read to check it before replacing it (${describeFsError(err)})`, { file });
  }
  if (!ours(existing)) throw new PathError(`${file} already exists and is not a ${what} COCE wrote: choose another path or move it away (nothing was overwritten)`, { file });
}
