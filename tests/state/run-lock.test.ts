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
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8')).toBe(`${process.pid}\n`);
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

  it('names a folder where the lock cannot be created', () => {
    expect(() => acquireRunLock(join(tmp(), 'missing'))).toThrow(PathError);
  });
});
