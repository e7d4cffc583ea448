import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { compiledModule } from '../../utils/compiled-module.js';
import type { MarketDataSource, MarketSnapshot } from '../market-data-source.js';
import type { CompanionSpec, MarketWorkerData } from './market-worker.js';
import { SyntheticMarket, type SyntheticMarketOptions } from './synthetic-market.js';
import { unpackSnapshot, type SnapshotWire } from './snapshot-wire.js';

/** Snapshots taken before the worker is told it may make that many more. */
const CREDIT_BATCH = 8;

/**
 * The synthetic market with its bars made ahead on a worker thread: a back-test asks for every cycle in order, and
 * making a 300-asset snapshot (GARCH draws, pump effects, liquidity, sentiment) cost ~2 ms of the engine's thread
 * per cycle, against ~0.15 ms to receive one made elsewhere (measured; issue 16). The snapshots are the very ones
 * SyntheticMarket makes (the same code, the same seed; packed into typed arrays and rebuilt exactly, snapshot-wire.ts).
 * A request out of order (a restart) restarts the stream at it. The history before the first cycle comes from the
 * worker too (it makes it anyway, for a companion or before its first bar), read once when asked for. Everything else
 * (symbols, other history, ground truth) is answered here by a SyntheticMarket of the same options. With a companion
 * (market-worker.ts), what it made of each snapshot on the worker is kept with the snapshot: companionOf(cycle) for
 * the cycle served last.
 * Made snapshots wait serialized in a port's queue and are read (deserialized) only when the engine asks for them:
 * read on arrival, the 48 made ahead lived long enough to be promoted to the old generation, and the garbage
 * collector copied and marked them again and again (measured: most of the engine thread's scavenge time).
 */
export class PrefetchedSyntheticMarket implements MarketDataSource {
  readonly local: SyntheticMarket;
  readonly name: string;
  readonly inputs: MarketDataSource['inputs'];
  readonly quote: string;
  private worker: Worker | null = null;
  /** Where the worker posts what it made (nobody listens: messages stay queued until read). */
  private made: MessagePort | null = null;
  private expected = Number.NaN;
  private waiting: { cycle: number; resolve: (s: MarketSnapshot) => void; reject: (e: Error) => void } | null = null;
  private lastServed = Number.NEGATIVE_INFINITY;
  /** The history before the first cycle, as the worker posts it (null when not asked of it, or done with). */
  private madeHistory: Promise<SnapshotWire[]> | null = null;
  /** That history read, once asked for (until historyDone). */
  private readHistory: MarketSnapshot[] | null = null;
  /** The companion's value for the cycle served last. */
  private served: { cycle: number; extra: unknown } | null = null;

  /** The market's symbols, in the order the worker's snapshots index them. */
  private readonly symbolList: readonly string[];
  private readonly ahead: number;
  /** Snapshots taken since credit was last sent to the worker. */
  private owed = 0;
  private readonly workerFile: string | null;
  private readonly companion: CompanionSpec | undefined;

  /**
   * `ahead`: snapshots made before the engine asks; `workerFile` null: every snapshot made on this thread; `startCycle`:
   * where the worker starts making bars (default the first cycle), at once or, `lazy`, at the first request.
   */
  constructor(
    private readonly options: SyntheticMarketOptions,
    o: { ahead?: number; workerFile?: string | null; companion?: CompanionSpec; startCycle?: number; lazy?: boolean } = {},
  ) {
    this.ahead = o.ahead ?? 48;
    this.workerFile = o.workerFile === undefined ? compiledModule(import.meta.url, 'market-worker.js') : o.workerFile;
    this.companion = o.companion;
    this.local = new SyntheticMarket(options);
    this.symbolList = this.local.symbols();
    this.name = this.local.name;
    this.inputs = this.local.inputs;
    this.quote = this.local.quote;
    // started now, so the bars up to the first cycle are made while the engine warms up on the history
    if (this.workerFile !== null && o.lazy !== true) this.start(o.startCycle ?? options.firstCycle, true);
  }

  symbols(): string[] {
    return this.local.symbols();
  }

  /**
   * The history before the first cycle as the worker made it (a start-up's three requests read it once); any other
   * history is made here (SyntheticMarket serves them from one replay).
   */
  async history(beforeCycle: number, bars: number): Promise<MarketSnapshot[]> {
    if (beforeCycle !== this.options.firstCycle || this.madeHistory === null) return this.local.history(beforeCycle, bars);
    const wires = await this.madeHistory;
    const all = (this.readHistory ??= wires.map((wire) => unpackSnapshot(wire, this.symbolList)));
    return all.slice(Math.max(0, all.length - bars));
  }

  /** The start-up is done with the history: what was kept to serve it is dropped (here and in the local market). */
  historyDone(): void {
    this.madeHistory = null;
    this.readHistory = null;
    this.local.historyDone();
  }

  /** Pumps scheduled by the last cycle served, as the market that made them had scheduled them. */
  pumpEvents(): ReturnType<SyntheticMarket['pumpEvents']> {
    if (Number.isFinite(this.lastServed)) this.local.scheduleThrough(this.lastServed);
    return this.local.pumpEvents();
  }

  /** True when snapshots come from the worker with a companion's values (else companionOf has nothing). */
  get hasCompanion(): boolean {
    return this.workerFile !== null && this.companion !== undefined;
  }

  /** What the companion made of the snapshot of `cycle`, which must be the cycle served last. */
  companionOf(cycle: number): unknown {
    if (this.served?.cycle !== cycle) throw new Error(`no companion value for cycle ${cycle} (last served: ${this.served?.cycle ?? 'none'})`);
    return this.served.extra;
  }

  snapshot(cycle: number): Promise<MarketSnapshot> {
    this.lastServed = Math.max(this.lastServed, cycle);
    if (this.workerFile === null) return this.local.snapshot(cycle);
    // the first request, or one out of order (a restart): the stream (re)starts at it
    if (cycle !== this.expected) {
      void this.stop();
      this.start(cycle);
    }
    this.expected = cycle + 1;
    const now = this.take(cycle);
    if (now !== null) return now;
    return new Promise((resolve, reject) => {
      this.waiting = { cycle, resolve, reject };
    });
  }

  /** The made snapshot of `cycle` when it is queued (then the worker may make one more), else null. */
  private take(cycle: number): Promise<MarketSnapshot> | null {
    const m = receiveMessageOnPort(this.made!)?.message as WorkerMessage | undefined;
    if (m === undefined) return null;
    // credits go back in batches: a message to a busy worker cost ~0.2 ms of this thread (measured in coce train)
    if (++this.owed >= Math.min(CREDIT_BATCH, this.ahead) || m.error !== undefined) {
      this.worker!.postMessage(this.owed);
      this.owed = 0;
    }
    if (m.error !== undefined) {
      this.expected = Number.NaN; // the worker stops at a failure: the next request restarts the stream
      return Promise.reject(new Error(m.error));
    }
    if (m.cycle !== cycle) return Promise.reject(new Error(`the market's worker sent cycle ${m.cycle} where ${cycle} was due`));
    this.served = { cycle, extra: m.extra };
    return Promise.resolve(unpackSnapshot(m.wire!, this.symbolList));
  }

  /** `history`: the worker first posts the bars before the first cycle (only the first start asks). */
  private start(fromCycle: number, history = false): void {
    const { port1, port2 } = new MessageChannel();
    const data: MarketWorkerData = { options: this.options, fromCycle, ahead: this.ahead, made: port2, history, ...(this.companion === undefined ? {} : { companion: this.companion }) };
    const w = new Worker(this.workerFile!, { workerData: data, transferList: [port2] });
    w.unref(); // never what keeps the process alive
    if (history) {
      // the listeners go when the history has come: one kept on the worker would keep the history alive with it
      this.madeHistory = new Promise<SnapshotWire[]>((resolve, reject) => {
        const done = () => {
          w.off('message', onHistory);
          w.off('error', onError);
        };
        const onError = (err: Error) => {
          done();
          reject(err);
        };
        const onHistory = (m: unknown) => {
          if (typeof m !== 'object' || m === null || !('history' in m || 'historyError' in m)) return;
          done();
          const h = m as { history?: SnapshotWire[]; historyError?: string };
          if (h.historyError !== undefined) reject(new Error(h.historyError));
          else resolve(h.history!);
        };
        w.on('message', onHistory);
        w.on('error', onError);
      });
      this.madeHistory.catch(() => undefined); // read (and its failure reported) when the history is asked for
    }
    // the worker says on its own channel that something was made: a request waiting for it reads it now
    w.on('message', () => {
      if (this.worker !== w || this.waiting === null) return; // a stream stopped since, or nobody waits
      const { cycle, resolve, reject } = this.waiting;
      const got = this.take(cycle);
      if (got === null) return;
      this.waiting = null;
      got.then(resolve, reject);
    });
    w.on('error', (err) => {
      if (this.worker === w) this.fail(err);
    });
    this.worker = w;
    this.made = port1;
    this.owed = 0;
    this.expected = fromCycle;
  }

  private fail(err: Error): void {
    const waiting = this.waiting;
    this.waiting = null;
    this.worker = null;
    this.expected = Number.NaN; // the next request restarts the stream
    waiting?.reject(err);
  }

  private async stop(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    this.made?.close();
    this.made = null;
    this.expected = Number.NaN;
    if (w !== null) await w.terminate();
  }

  async close(): Promise<void> {
    await this.stop();
  }
}

/** What the worker posts for each cycle: the snapshot and its companion's value, or why it could not make it. */
interface WorkerMessage {
  cycle: number;
  wire?: SnapshotWire;
  extra?: unknown;
  error?: string;
}
