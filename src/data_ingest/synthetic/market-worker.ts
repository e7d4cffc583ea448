/**
 * The worker side of PrefetchedSyntheticMarket: generates snapshots from `fromCycle` on, one per credit the main
 * thread grants, each posted as soon as it is made.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SyntheticMarket, type SyntheticMarketOptions } from './synthetic-market.js';

export interface MarketWorkerData {
  options: SyntheticMarketOptions;
  fromCycle: number;
  /** Snapshots made before the first credit arrives. */
  ahead: number;
}

const port = parentPort!;
const { options, fromCycle, ahead } = workerData as MarketWorkerData;
const market = new SyntheticMarket(options);
let next = fromCycle;
let credit = ahead;
const produce = () => {
  while (credit > 0) {
    credit--;
    try {
      port.postMessage({ cycle: next, snapshot: market.snapshotSync(next) });
    } catch (err) {
      port.postMessage({ cycle: next, error: err instanceof Error ? err.message : String(err) });
      credit = 0;
    }
    next++;
  }
};
port.on('message', (more: number) => {
  credit += more;
  produce();
});
produce();
