import { afterEach, describe, expect, it } from 'vitest';
import { syntheticOptions } from '../../../src/agent/build-engine.js';
import { PrefetchedSyntheticMarket } from '../../../src/data_ingest/synthetic/prefetched-market.js';
import { SyntheticMarket } from '../../../src/data_ingest/synthetic/synthetic-market.js';
import { cycleOfOpenMs } from '../../../src/utils/time.js';
import { baseConfig } from '../../helpers.js';

const H = 3_600_000;
const FIRST = cycleOfOpenMs(Date.parse('2026-01-01T00:00:00Z'), H);
// pumps often enough that a few days hold some
const options = { ...syntheticOptions(baseConfig(), 4, FIRST, H), microCaps: 12, warmupDays: 1, pumpsPerMonth: 40 };

let open: PrefetchedSyntheticMarket[] = [];
const prefetched = (ahead?: number, file?: string | null) => {
  const m = new PrefetchedSyntheticMarket(options, { ...(ahead === undefined ? {} : { ahead }), ...(file === undefined ? {} : { workerFile: file }) });
  open.push(m);
  return m;
};
afterEach(async () => {
  for (const m of open) await m.close();
  open = [];
});

describe('PrefetchedSyntheticMarket', () => {
  it('serves, from its worker thread, the very snapshots SyntheticMarket makes, in order and after a jump', async () => {
    const here = new SyntheticMarket(options);
    const m = prefetched(5);
    expect(m.symbols()).toEqual(here.symbols());
    expect(m.name).toBe(here.name);
    for (let c = FIRST; c < FIRST + 60; c++) expect(await m.snapshot(c)).toStrictEqual(here.snapshotSync(c));
    // a restart asks again from an earlier bar, then skips ahead: the stream restarts each time
    for (const c of [FIRST + 10, FIRST + 11, FIRST + 100, FIRST + 101]) expect(await m.snapshot(c)).toStrictEqual(new SyntheticMarket(options).snapshotSync(c));
    expect(await m.history(FIRST, 3)).toStrictEqual(await here.history(FIRST, 3));
    expect(await m.history(FIRST, 30)).toStrictEqual(await here.history(FIRST, 30)); // the same replay, a longer tail
    m.historyDone();
    expect(await m.history(FIRST + 5, 2)).toStrictEqual(await here.history(FIRST + 5, 2));
  });

  it('reports the pumps scheduled by the last bar served, as the market that stepped there', async () => {
    const m = prefetched(50);
    const here = new SyntheticMarket(options);
    for (let c = FIRST; c < FIRST + 24 * 3; c++) {
      await m.snapshot(c);
      here.snapshotSync(c);
    }
    expect(here.pumpEvents().length).toBeGreaterThan(0);
    expect(m.pumpEvents()).toStrictEqual(here.pumpEvents());
  });

  it('rejects a bar the market cannot make, and works on this thread when no worker script is built', async () => {
    const m = prefetched(3);
    await expect(m.snapshot(FIRST - 10 * 24)).rejects.toThrow(/before the synthetic market's history starts/);
    expect((await m.snapshot(FIRST)).cycle).toBe(FIRST); // the stream restarts after the failure
    const inThread = prefetched(3, null);
    expect(await inThread.snapshot(FIRST + 2)).toStrictEqual(new SyntheticMarket(options).snapshotSync(FIRST + 2));
  });
});
