import { setTimeout as delay } from 'node:timers/promises';

/** All time the engine sees comes from a Clock (never Date.now() in decision code). */
export interface Clock {
  nowMs(): number;
  /** Resolve once the clock reads `ms` or later, or as soon as `signal` aborts. */
  sleepUntil(ms: number, signal: AbortSignal): Promise<void>;
}

export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

/** A real-time wait that ends early, without throwing, when the signal aborts. */
export const realSleep: Sleep = async (ms, signal) => {
  if (signal.aborted || ms <= 0) return;
  try {
    await delay(ms, undefined, { signal });
  } catch (err) {
    if ((err as Error).name !== 'AbortError') throw err;
  }
};

/**
 * Simulated time that jumps from bar close to bar close. With `speed` > 0 it is paced: `speed` simulated seconds pass
 * per wall-clock second (3600 = one hourly bar a second); 0 runs as fast as possible.
 */
export class SimClock implements Clock {
  constructor(
    private t: number,
    private readonly speed = 0,
    private readonly sleep: Sleep = realSleep,
  ) {}

  nowMs(): number {
    return this.t;
  }

  async sleepUntil(ms: number, signal: AbortSignal): Promise<void> {
    if (ms <= this.t) return;
    if (this.speed > 0) await this.sleep((ms - this.t) / this.speed, signal);
    if (!signal.aborted) this.t = ms;
  }
}

/** The wall clock, for testnet and live: waits until each bar has closed. */
export class WallClock implements Clock {
  constructor(
    private readonly now: () => number = () => Date.now(),
    private readonly sleep: Sleep = realSleep,
  ) {}

  nowMs(): number {
    return this.now();
  }

  async sleepUntil(ms: number, signal: AbortSignal): Promise<void> {
    while (!signal.aborted && this.now() < ms) await this.sleep(ms - this.now(), signal);
  }
}
