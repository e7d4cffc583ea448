import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeFsError, PathError, UsageError } from '../utils/errors.js';

export const LOCK_FILE = 'coce.lock';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

export interface RunLock {
  /** A lock left by a process that no longer runs was taken over. */
  readonly tookOverFromPid: number | null;
  release(): void;
}

/**
 * One run per folder: two processes writing the same state.json or logs would corrupt each other's history. The lock
 * is a file holding the owner's pid; a lock whose process is gone (a crash, SIGKILL) is taken over.
 */
export function acquireRunLock(dir: string): RunLock {
  const file = join(dir, LOCK_FILE);
  let tookOverFromPid: number | null = null;
  try {
    writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new PathError(`cannot create ${file} (${describeFsError(err)})`, { file });
    }
    const owner = Number.parseInt(readFileSync(file, 'utf8'), 10);
    if (Number.isInteger(owner) && owner !== process.pid && alive(owner)) {
      throw new UsageError(`another coce process (pid ${owner}) is running on ${dir}; stop it or use another folder`, { file, owner });
    }
    tookOverFromPid = Number.isInteger(owner) ? owner : null;
    writeFileSync(file, `${process.pid}\n`);
  }
  return {
    tookOverFromPid,
    release: () => {
      if (existsSync(file) && readFileSync(file, 'utf8').trim() === String(process.pid)) rmSync(file);
    },
  };
}
