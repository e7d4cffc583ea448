/**
 * The worker side of PrefetchedSyntheticMarket: generates snapshots from `fromCycle` on, one per credit the main
 * thread grants, each posted as soon as it is made. A companion module, when given, sees every snapshot from its
 * `fromCycle` on, in order (those before the stream's start too), and what it returns for a snapshot is posted with it:
 * work that depends on the bars alone (the pump model's features) is then done here, ahead of the engine.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import type { MarketSnapshot } from '../market-data-source.js';
import { SyntheticMarket, type SyntheticMarketOptions } from './synthetic-market.js';
import { packSnapshot } from './snapshot-wire.js';

/** What a companion module exports. */
export interface SnapshotCompanion {
  /** Called with every snapshot in cycle order; the value travels with the snapshot (structured clone). */
  see(snapshot: MarketSnapshot): unknown;
}
export type CreateCompanion = (data: unknown, market: SyntheticMarket) => SnapshotCompanion;

export interface CompanionSpec {
  /** Compiled module exporting `createCompanion: CreateCompanion`. */
  module: string;
  data: unknown;
  /** First cycle the companion must see (snapshots from there to the stream's start are shown to it, not posted). */
  fromCycle: number;
}

export interface MarketWorkerData {
  options: SyntheticMarketOptions;
  fromCycle: number;
  /** Snapshots made before the first credit arrives. */
  ahead: number;
  /** Where each snapshot is posted; a one-number note on the parent port says that one was. */
  made: MessagePort;
  /** Post the bars before `options.firstCycle` first, on the parent port (`{ history }`). */
  history: boolean;
  companion?: CompanionSpec;
}

const port = parentPort!;
const { options, fromCycle, ahead, made, history, companion: spec } = workerData as MarketWorkerData;
const market = new SyntheticMarket(options);
const index = new Map(market.symbols().map((s, i) => [s, i]));
let next = fromCycle;
let credit = 0;
let companion: SnapshotCompanion | null = null;
let failed = false;

const post = (m: object) => {
  made.postMessage(m);
  port.postMessage(0);
};

const fail = (err: unknown) => {
  post({ cycle: next, error: err instanceof Error ? err.message : String(err) });
  failed = true;
};

const produce = () => {
  while (credit > 0 && !failed) {
    credit--;
    try {
      const snapshot = market.snapshotSync(next);
      const extra = companion === null ? undefined : companion.see(snapshot);
      const wire = packSnapshot(snapshot, index);
      post(extra === undefined ? { cycle: next, wire } : { cycle: next, wire, extra });
    } catch (err) {
      fail(err);
      return;
    }
    next++;
  }
};

port.on('message', (more: number) => {
  credit += more;
  if (companion !== null || spec === undefined) produce();
});

async function start(): Promise<void> {
  if (history) {
    // made once: a companion's warm-up reads the same replay
    try {
      port.postMessage({ history: market.historySync(options.firstCycle, Number.MAX_SAFE_INTEGER).map((s) => packSnapshot(s, index)) });
    } catch (err) {
      port.postMessage({ historyError: err instanceof Error ? err.message : String(err) });
    }
    if (spec === undefined) market.historyDone();
  }
  if (spec !== undefined) {
    try {
      const mod = (await import(pathToFileURL(spec.module).href)) as { createCompanion: CreateCompanion };
      const c = mod.createCompanion(spec.data, market);
      for (let cycle = spec.fromCycle; cycle < fromCycle; cycle++) c.see(market.snapshotSync(cycle));
      companion = c;
    } catch (err) {
      fail(err);
      return;
    }
  }
  credit += ahead;
  produce();
}
void start();
