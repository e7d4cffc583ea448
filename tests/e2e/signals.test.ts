import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { tmp } from '../helpers.js';
import { dirArgs, runFiles, spawnCoce } from './process.js';

const FIRST = 490_896;

async function waitForCycle(dir: string, cycle: number, timeoutMs: number): Promise<void> {
  const file = join(dir, 'data', 'state.json');
  const until = performance.now() + timeoutMs;
  while (performance.now() < until) {
    if (existsSync(file)) {
      const s = JSON.parse(readFileSync(file, 'utf8')) as { lastCompletedCycle: number | null };
      if (s.lastCompletedCycle !== null && s.lastCompletedCycle >= cycle) return;
    }
    await delay(20);
  }
  throw new Error(`cycle ${cycle} not reached within ${timeoutMs} ms`);
}

describe('graceful stop', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('%s finishes the cycle, saves, exits 0, and the run resumes to the same end', async (sig) => {
    const dir = tmp();
    // 36000x: ten hourly bars a second, so the stop lands mid-run
    const child = spawnCoce(['run', '--days', '3', '--speed', '36000', ...dirArgs(dir)]);
    await waitForCycle(dir, FIRST + 3, 10_000);
    child.kill(sig);
    const exit = await child.done;
    expect(exit.code).toBe(0);
    expect(exit.stdout).toContain('stopped by signal (resume with the same command)');
    const stopped = JSON.parse(readFileSync(join(dir, 'data', 'state.json'), 'utf8')) as { lastCompletedCycle: number };
    expect(stopped.lastCompletedCycle).toBeLessThan(FIRST + 71);

    const resumed = await spawnCoce(['run', '--days', '3', ...dirArgs(dir)]).done;
    expect(resumed.code).toBe(0);
    const ref = tmp();
    expect((await spawnCoce(['run', '--days', '3', ...dirArgs(ref)]).done).code).toBe(0);
    expect(runFiles(dir)).toEqual(runFiles(ref));
  });
});

describe('graceful stop without pacing', () => {
  it('SIGTERM stops an unpaced back-test between cycles (no cycle waits on I/O)', async () => {
    const dir = tmp();
    const child = spawnCoce(['run', '--mode', 'backtest', '--days', '400', ...dirArgs(dir)]);
    await waitForCycle(dir, FIRST + 24, 20_000);
    child.kill('SIGTERM');
    const exit = await child.done;
    expect(exit.code).toBe(0);
    expect(exit.stdout).toContain('stopped by signal');
    const s = JSON.parse(readFileSync(join(dir, 'data', 'state.json'), 'utf8')) as { lastCompletedCycle: number };
    expect(s.lastCompletedCycle).toBeLessThan(FIRST + 400 * 24 - 1);
  });
});
