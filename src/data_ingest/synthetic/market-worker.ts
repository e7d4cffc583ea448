/**
 * The worker side of PrefetchedSyntheticMarket: generates snapshots from `fromCycle` on, one per credit the main
 * thread grants, each posted as soon as it is made. A companion module, when given, sees the history and then every
 * snapshot from the market's first cycle on, in order (those before the stream's start too), and what it returns for
 * a snapshot is posted with it: work that depends on the bars alone (the pump model's features) is done here, ahead
 * of the engine.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import type { MarketSnapshot } from '../market-data-source.js';
import { SyntheticMarket, type SyntheticMarketOptions } from './synthetic-market.js';
import { packSnapshot, type SnapshotWire } from './snapshot-wire.js';

/** What a companion module makes (`createCompanion(data, symbols)`, symbols in the market's order). */
export interface SnapshotCompanion {
  /** Each bar of the history before the first cycle, oldest first; `before`: bars to the first cycle (1: the last). */
  history(snapshot: MarketSnapshot, before: number): void;
  /**
   * Every snapshot from the first cycle on, in order (also those before a restarted stream's start, not posted); the
   * value travels with the snapshot.
   */
  see(snapshot: MarketSnapshot): unknown;
}
export type CreateCompanion = (data: unknown, symbols: readonly string[]) => SnapshotCompanion;

export interface CompanionSpec {
  /** Compiled module exporting `createCompanion: CreateCompanion`. */
  module: string;
  data: unknown;
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

let started = false;
port.on('message', (more: number) => {
  credit += more;
  if (started) produce();
});

async function start(): Promise<void> {
  try {
    const c = spec === undefined ? null : (await import(pathToFileURL(spec.module).href) as { createCompanion: CreateCompanion }).createCompanion(spec.data, market.symbols());
    if (c !== null && fromCycle < options.firstCycle) throw new Error(`a companion's stream starts at the first cycle ${options.firstCycle} or later (asked for ${fromCycle})`);
    // The history is stepped through once, a bar at a time (none of it kept): packed for the parent when it asks
    // for it, and shown to the companion. The stream then continues from the market's own state.
    if (history || c !== null) {
      const wires: SnapshotWire[] = [];
      for (let cycle = market.historyStartCycle(); cycle < options.firstCycle; cycle++) {
        const snap = market.snapshotSync(cycle);
        if (history) wires.push(packSnapshot(snap, index));
        c?.history(snap, options.firstCycle - cycle);
      }
      // copied, not transferred: a detached buffer makes V8 drop its fast typed-array code for the whole thread
      if (history) port.postMessage({ history: wires });
    }
    if (c !== null) for (let cycle = options.firstCycle; cycle < fromCycle; cycle++) c.see(market.snapshotSync(cycle));
    companion = c;
  } catch (err) {
    if (history) port.postMessage({ historyError: err instanceof Error ? err.message : String(err) });
    fail(err);
    return;
  }
  started = true;
  credit += ahead;
  produce();
}
void start();
