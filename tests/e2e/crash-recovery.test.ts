import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileStateStore } from '../../src/state/state-store.js';
import { createRng } from '../../src/utils/rng.js';
import { tmp } from '../helpers.js';
import { dirArgs, runFiles, spawnCoce } from './process.js';

const RUN = ['run', '--mode', 'sim', '--days', '10', '--seed', '3'];
const LAST_CYCLE = 490_896 + 10 * 24 - 1;

describe('crash safety (SIGKILL at random moments)', () => {
  it('always leaves a loadable state.json, and rerunning ends exactly as an uninterrupted run', async () => {
    const refDir = tmp();
    const ref = await spawnCoce([...RUN, ...dirArgs(refDir)]).done;
    expect(ref.code).toBe(0);
    const expected = runFiles(refDir);

    const rng = createRng(20261127); // kill times are seeded, so a failure can be replayed
    let kills = 0;
    let midRunKills = 0;
    for (let trial = 0; trial < 8; trial++) {
      const dir = tmp();
      for (let attempt = 0; ; attempt++) {
        const child = spawnCoce([...RUN, ...dirArgs(dir)]);
        // Kill anywhere from process start to just past a whole run's duration, for up to three restarts.
        const timer = attempt < 3 ? setTimeout(() => child.kill('SIGKILL'), rng.next() * ref.ms * 1.1) : undefined;
        const exit = await child.done;
        clearTimeout(timer);
        if (exit.code === 0) break;
        expect(exit.signal).toBe('SIGKILL');
        kills++;
        const store = new FileStateStore(join(dir, 'data'));
        if (existsSync(store.path)) {
          const state = store.load(); // throws if the kill left a torn or invalid file
          if (state !== null && state.lastCompletedCycle !== LAST_CYCLE) midRunKills++;
        }
      }
      expect(runFiles(dir)).toEqual(expected);
    }
    expect(kills).toBeGreaterThanOrEqual(8);
    expect(midRunKills).toBeGreaterThanOrEqual(4);
  }, 240_000); // about 25 s alone on 2 cores; twice that beside the rest of the suite
});
