import { closeSync, fsyncSync, mkdirSync, openSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describeFsError, PathError } from '../utils/errors.js';

/**
 * Create `dir` when missing and prove a file can be written in it (a probe file, removed at once), before a run
 * writes anything there: an unwritable folder stops start-up with a PathError naming it (`what`: "state folder").
 */
export function ensureWritableDir(dir: string, what: string): void {
  const probe = join(dir, '.write-probe');
  try {
    mkdirSync(dir, { recursive: true });
    const fd = openSync(probe, 'w');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    rmSync(probe);
  } catch (err) {
    throw new PathError(`${what} ${dir} cannot be written (${describeFsError(err)})`, { dir });
  }
}
