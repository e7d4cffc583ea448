import { describe, expect, it } from 'vitest';
import { realSleep, SimClock, WallClock, type Sleep } from '../../src/agent/clock.js';

const recordingSleep = () => {
  const calls: number[] = [];
  const sleep: Sleep = (ms) => {
    calls.push(ms);
    return Promise.resolve();
  };
  return { calls, sleep };
};

describe('SimClock', () => {
  it('jumps straight to the requested time when unpaced, and never goes back', async () => {
    const { calls, sleep } = recordingSleep();
    const c = new SimClock(1_000, 0, sleep);
    await c.sleepUntil(3_601_000, new AbortController().signal);
    expect(c.nowMs()).toBe(3_601_000);
    await c.sleepUntil(5, new AbortController().signal);
    expect(c.nowMs()).toBe(3_601_000);
    expect(calls).toEqual([]);
  });

  it('waits (target - now) / speed real ms when paced', async () => {
    const { calls, sleep } = recordingSleep();
    const c = new SimClock(0, 3600, sleep);
    await c.sleepUntil(3_600_000, new AbortController().signal);
    expect(calls).toEqual([1000]);
    expect(c.nowMs()).toBe(3_600_000);
  });

  it('does not advance when the wait was aborted', async () => {
    const ac = new AbortController();
    const c = new SimClock(0, 1, (_ms, _s) => {
      ac.abort();
      return Promise.resolve();
    });
    await c.sleepUntil(10_000, ac.signal);
    expect(c.nowMs()).toBe(0);
  });
});

describe('WallClock', () => {
  it('sleeps until the wall clock reaches the target, again if it woke early', async () => {
    let now = 1_000;
    const calls: number[] = [];
    const c = new WallClock(
      () => now,
      (ms) => {
        calls.push(ms);
        now += calls.length === 1 ? ms - 1_000 : ms; // the first sleep wakes a second early
        return Promise.resolve();
      },
    );
    await c.sleepUntil(5_000, new AbortController().signal);
    expect(calls).toEqual([4_000, 1_000]);
    expect(c.nowMs()).toBe(5_000);
  });

  it('reads Date.now by default', () => {
    const before = Date.now();
    const t = new WallClock().nowMs();
    expect(t).toBeGreaterThanOrEqual(before);
    expect(t).toBeLessThanOrEqual(Date.now());
  });
});

describe('realSleep', () => {
  it('waits, returns at once for 0 or an aborted signal, and ends early on abort', async () => {
    const t0 = performance.now();
    await realSleep(20, new AbortController().signal);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(15);
    const aborted = new AbortController();
    aborted.abort();
    const t1 = performance.now();
    await realSleep(10_000, aborted.signal);
    await realSleep(0, new AbortController().signal);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 10);
    await realSleep(10_000, ac.signal);
    expect(performance.now() - t1).toBeLessThan(1_000);
  });
});
