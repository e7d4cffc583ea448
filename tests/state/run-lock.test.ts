import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireRunLock, LOCK_FILE } from '../../src/state/run-lock.js';
import { PathError, UsageError } from '../../src/utils/errors.js';
import { tmp } from '../helpers.js';

describe('acquireRunLock', () => {
  it('holds the folder with our pid and releases it', () => {
    const dir = tmp();
    const lock = acquireRunLock(dir);
    expect(lock.tookOverFromPid).toBeNull();
    // the pid and its start time in clock ticks since boot (/proc/self/stat field 22)
    const startTicks = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ')[19];
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(`${process.pid} ${startTicks}\n`);
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    lock.release(); // twice is harmless
  });

  it('refuses a folder held by a live process, naming its pid', () => {
    const dir = tmp();
    writeFileSync(join(dir, LOCK_FILE), `${process.ppid}\n`); // the test runner's parent: alive, not us
    expect(() => acquireRunLock(dir)).toThrow(UsageError);
    expect(() => acquireRunLock(dir)).toThrow(`another coce process (pid ${process.ppid}) is running on ${dir}`);
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(`${process.ppid}\n`);
  });

  it('takes over the lock of a process that is gone, or a garbled lock file', () => {
    const dir = tmp();
    writeFileSync(join(dir, LOCK_FILE), '4194303\n'); // above Linux's default pid_max: no such process
    const lock = acquireRunLock(dir);
    expect(lock.tookOverFromPid).toBe(4194303);
    lock.release();
    writeFileSync(join(dir, LOCK_FILE), 'garbage');
    expect(acquireRunLock(dir).tookOverFromPid).toBeNull();
  });

  it('takes over a lock whose pid now belongs to another process (a reused pid), or to a zombie', async () => {
    const dir = tmp();
    writeFileSync(join(dir, LOCK_FILE), `${process.ppid} 1\n`); // alive, but not started at tick 1
    const lock = acquireRunLock(dir);
    expect(lock.tookOverFromPid).toBe(process.ppid);
    lock.release();
    // a child killed but not yet reaped (its parent sleeps): kill(pid, 0) still succeeds, /proc says Z
    const parent = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 5'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const zombie = Number((await new Promise<string>((res) => parent.stdout.once('data', (d: Buffer) => res(d.toString())))).trim());
    for (let i = 0; i < 200 && !readFileSync(`/proc/${zombie}/stat`, 'utf8').includes(') Z '); i++) await new Promise((r) => setTimeout(r, 10));
    expect(readFileSync(`/proc/${zombie}/stat`, 'utf8')).toContain(') Z ');
    writeFileSync(join(dir, LOCK_FILE), `${zombie}\n`);
    expect(acquireRunLock(dir).tookOverFromPid).toBe(zombie);
    parent.kill('SIGKILL');
  });

  it('names a folder where the lock cannot be created', () => {
    expect(() => acquireRunLock(join(tmp(), 'missing'))).toThrow(PathError);
  });
});
