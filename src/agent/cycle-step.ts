import type { MarketSnapshot } from '../data_ingest/market-data-source.js';
import type { Rejection } from '../data_ingest/quality-gate.js';
import type { Universe } from '../universe/select-universe.js';
import type { LogName } from '../state/event-logs.js';
import type { EngineState } from '../state/schema.js';
import { isoOf } from '../utils/time.js';

/** What one step of a cycle sees. `state` is the cycle's draft: it is saved only when every step has succeeded. */
export interface CycleContext {
  readonly cycle: number;
  readonly closeMs: number;
  /** closeMs as ISO-8601 UTC: the `ts` of every event of this cycle. */
  readonly ts: string;
  /** Raw from the source; after the data-quality step, only the bars that passed. */
  snapshot: MarketSnapshot;
  /** Assets the data-quality step skipped this cycle, with reasons. */
  rejected: Rejection[];
  /** NAV at this bar's closes, after the order sync applied fills (set by the order-sync step). */
  navUsd: number;
  /** The held book as fractions of navUsd: what the allocation and the guardrails move from. */
  currentWeights: Record<string, number>;
  /** Why no order may be sent this cycle (venue unreachable, reconciliation mismatch); null when trading is allowed. */
  tradingBlocked: string | null;
  /** Client ids this cycle has already sent or adopted: never sent again (a replayed cycle finds its own orders). */
  handledOrderIds: Set<string>;
  /** Set by the universe step. */
  universe: Universe | null;
  /** Pump probability of each tradable micro-cap the model could score this cycle (alpha step). */
  pumpProbabilities: Record<string, number>;
  /** The model's in-pump detector on the same assets (empty for a model without one). */
  inPumpProbabilities: Record<string, number>;
  /** Held assets an exit rule is selling (exit step): the allocation targets nothing in them. */
  exiting: Set<string>;
  /** Assets no new entry may open this cycle (cool-down after a close; exit step). */
  noEntry: Set<string>;
  /** Alarmed micro-caps, most probable first, at most alpha.max_candidates: the allocation's candidates. */
  candidates: string[];
  /** Target weights (fractions of NAV) proposed by the allocation step. */
  targetWeights: Record<string, number>;
  /** The book the guardrails approved: what execution works toward. */
  approvedWeights: Record<string, number>;
  /** Set by the guardrails: no position may be opened or increased this cycle. */
  entriesBlocked: boolean;
  /** The proposal is the held book itself (between rebalances, or halted and holding): nothing rescales it. */
  proposalIsHeld: boolean;
  /** 1-day historical VaR (fraction of NAV) of a book at this cycle's data; set by the guardrail step. */
  varOf: ((weights: Readonly<Record<string, number>>) => number) | null;
  state: EngineState;
  /** Queue an event line for logs/<name>; written with the cycle, before state is saved. */
  emit(log: LogName, type: string, fields?: Record<string, unknown>): void;
}

/** One stage of the cycle pipeline (mark to market, alpha, clusters, allocation, guardrails, execution...). */
export interface CycleStep {
  readonly name: string;
  run(ctx: CycleContext): void | Promise<void>;
}

/** A cycle's context with every per-cycle field at its start value: the engine's, and the step tests'. */
export function newCycleContext(o: Pick<CycleContext, 'cycle' | 'closeMs' | 'snapshot' | 'state' | 'navUsd' | 'emit'>): CycleContext {
  return {
    ...o,
    ts: isoOf(o.closeMs),
    rejected: [],
    currentWeights: {},
    tradingBlocked: null,
    handledOrderIds: new Set(),
    universe: null,
    pumpProbabilities: {},
    inPumpProbabilities: {},
    exiting: new Set(),
    noEntry: new Set(),
    candidates: [],
    targetWeights: {},
    approvedWeights: {},
    varOf: null,
    entriesBlocked: false,
    proposalIsHeld: false,
  };
}
