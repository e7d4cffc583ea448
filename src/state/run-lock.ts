import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeFsError, PathError, UsageError } from '../utils/errors.js';

export const LOCK_FILE = 'coce.lock';

/**
 * When the process started, in clock ticks since boot (Linux /proc/<pid>/stat field 22), and whether it is a zombie
 * (killed, not yet reaped: it holds nothing any more). Null where /proc is not there.
 */
function procStat(pid: number): { startTicks: string; zombie: boolean } | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null; // no /proc (not Linux), or the process is gone: kill(0) decides
  }
  // "pid (comm) S ppid ...": comm may hold spaces and parentheses, so fields count from the last ")"
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { startTicks: fields[19] ?? '', zombie: fields[0] === 'Z' || fields[0] === 'X' };
}

/** The lock's owner still runs: the pid is alive, not a zombie, and (when the lock says so) started when it did. */
function alive(pid: number, startTicks: string | undefined): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: the process exists but belongs to someone else
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const stat = procStat(pid);
  if (stat === null) return true;
  if (stat.zombie) return false;
  // another process that got the pid after the owner died
  return startTicks === undefined || startTicks === stat.startTicks;
}

/** What the lock file says: the owner's pid and, on Linux, its start time (so a reused pid is not mistaken for it). */
function lockText(): string {
  const stat = procStat(process.pid);
  return `${process.pid}${stat === null ? '' : ` ${stat.startTicks}`}\n`;
}

export interface RunLock {
  /** A lock left by a process that no longer runs was taken over. */
  readonly tookOverFromPid: number | null;
  release(): void;
}

/**
 * One run per folder: two processes writing the same state.json or logs would corrupt each other's history. The lock
 * is a file holding the owner's pid and start time; a lock whose process is gone (a crash, SIGKILL; killed but not
 * yet reaped; its pid since reused) is taken over.
 */
export function acquireRunLock(dir: string): RunLock {
  const file = join(dir, LOCK_FILE);
  let tookOverFromPid: number | null = null;
  const mine = lockText();
  try {
    writeFileSync(file, mine, { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new PathError(`cannot create ${file} (${describeFsError(err)})`, { file });
    }
    const [pidText, startTicks] = readFileSync(file, 'utf8').trim().split(/\s+/);
    const owner = Number.parseInt(pidText ?? '', 10);
    if (Number.isInteger(owner) && owner !== process.pid && alive(owner, startTicks)) {
      throw new UsageError(`another coce process (pid ${owner}) is running on ${dir}; stop it or use another folder`, { file, owner });
    }
    tookOverFromPid = Number.isInteger(owner) ? owner : null;
    writeFileSync(file, mine);
  }
  return {
    tookOverFromPid,
    release: () => {
      if (existsSync(file) && readFileSync(file, 'utf8') === mine) rmSync(file);
    },
  };
}
