import { z } from 'zod';

/**
 * The contract of data/state.json (version 1). Everything a restart needs to carry on exactly where the last
 * completed cycle left it. Amounts are USD unless named otherwise; times are ISO-8601 UTC of the simulated or wall
 * clock (never the wall clock in sim/backtest, so runs are byte-identical).
 */
export const STATE_VERSION = 1;

const finite = z.number().refine(Number.isFinite, { error: 'must be a finite number' });
const nonNegative = finite.refine((x) => x >= 0, { error: 'must be >= 0' });
const isoTs = z.iso.datetime();

export const positionSchema = z.strictObject({
  qty: finite,
  avgEntryPriceUsd: nonNegative,
  lastPriceUsd: nonNegative,
  openedCycle: z.number().int(),
  /** P&L realised so far in this round trip, fees included (a buy's fee is a realised cost). */
  realizedPnlUsd: finite,
});

export const openOrderSchema = z.strictObject({
  clientOrderId: z.string().min(1),
  venueOrderId: z.string().nullable(),
  symbol: z.string().min(1),
  side: z.enum(['buy', 'sell']),
  qty: nonNegative,
  filledQty: nonNegative,
  limitPriceUsd: nonNegative.nullable(),
  /** Reference (mid) price the order was sized from: its fills' slippage is measured against it. */
  refPriceUsd: nonNegative,
  /** Fill price and fees already applied to the book (fills are applied as increases over these). */
  avgFillPriceUsd: nonNegative,
  feeUsd: nonNegative,
  feeBaseQty: nonNegative,
  placedCycle: z.number().int(),
  /** Wall or simulated time the order was sent: it is cancelled after execution.order_ttl_ms. */
  placedMs: z.number().int(),
  /** pending: sent, but the venue's answer was lost and a lookup has not found it yet. */
  status: z.enum(['pending', 'open', 'partially_filled']),
});

export const sleevePositionSchema = z.strictObject({
  instrument: z.string().min(1),
  qty: finite,
  /** Premium and fees paid for what is held, USD at the index when bought. */
  premiumPaidUsd: nonNegative,
  openedCycle: z.number().int(),
  /** Value at the last mark (mark price x index x qty); 0 in states written before the sleeve traded. */
  markUsd: nonNegative.default(0),
});

/** The convexity sleeve's own account: premium flows in and out of it, apart from the core book's cash. */
export const sleeveAccountSchema = z.strictObject({
  /** Net premium and settlement flow since the run started (negative: premium paid out). */
  cashUsd: finite,
  /** The budget period now running, and the premium (with fees) spent in it. */
  periodStartMs: z.number().int().nullable(),
  periodSpentUsd: nonNegative,
});

export const equityPointSchema = z.strictObject({ cycle: z.number().int(), ts: isoTs, navUsd: finite });

export const killSwitchSchema = z.strictObject({
  state: z.enum(['active', 'reducing', 'halted']),
  reason: z.string().nullable(),
  sinceCycle: z.number().int().nullable(),
});

export const runInfoSchema = z.strictObject({
  mode: z.enum(['sim', 'backtest', 'testnet', 'live']),
  seed: z.number().int().nullable(),
  marketSource: z.string().min(1),
  barMs: z.number().int().positive(),
  firstCycle: z.number().int(),
});

export const assetMemorySchema = z.strictObject({
  firstSeenMs: z.number().int(),
  lastOpenMs: z.number().int(),
  lastClose: z.number().positive(),
  jumpStreak: z.number().int().min(0),
});

export const engineStateSchema = z.strictObject({
  version: z.literal(STATE_VERSION),
  run: runInfoSchema,
  lastCompletedCycle: z.number().int().nullable(),
  lastCompletedTs: isoTs.nullable(),
  /** NAV when the run started: the base of the run's return (the equity curve in state is bounded). */
  startNavUsd: nonNegative,
  cashUsd: finite,
  positions: z.record(z.string(), positionSchema),
  openOrders: z.array(openOrderSchema),
  equityCurve: z.array(equityPointSchema),
  peakEquityUsd: nonNegative,
  /** Buy-and-hold of the first major from the first cycle: what the book is compared with. */
  benchmark: z.strictObject({ symbol: z.string().min(1), startPriceUsd: nonNegative.nullable() }),
  killSwitch: killSwitchSchema,
  sleevePositions: z.array(sleevePositionSchema),
  /** Absent in states written before the sleeve existed: an empty account. */
  sleeve: sleeveAccountSchema.default({ cashUsd: 0, periodStartMs: null, periodSpentUsd: 0 }),
  /** The data-quality gate's memory per asset (first seen, last accepted bar). */
  assetMemory: z.record(z.string(), assetMemorySchema),
  /** Tradable micro-caps after the last cycle's universe filter. */
  universe: z.array(z.string()),
  /** Consensus cluster id per asset from the last re-clustering. */
  clusters: z.record(z.string(), z.number().int().min(0)),
  /** Micro-caps in alarm at the last cycle (a new alarm is logged once, not every bar it lasts). */
  alarmed: z.array(z.string()),
  /** The allocation's last target weights (fractions of NAV). */
  targetWeights: z.record(z.string(), z.number().min(0)),
  /** NAV at the last bar of each UTC day (the kill-switch's daily returns), last 60 days. */
  dailyNav: z.array(z.strictObject({ day: z.string(), navUsd: finite })),
  /** Trades closed recently (bounded to the audit window), for the hit rate. */
  closedTrades: z.array(z.strictObject({ closedCycle: z.number().int(), symbol: z.string().min(1), openedCycle: z.number().int(), pnlUsd: finite })),
  /** The last book the guardrails approved: what execution works toward. */
  approvedWeights: z.record(z.string(), z.number().min(0)),
  versions: z.strictObject({ model: z.string().nullable(), clusters: z.string().nullable(), config: z.string() }),
  /**
   * sim/backtest: the paper venue's own balances. The venue keeps its book apart from state (as an exchange does) and
   * its sums round differently from state's, so a restart must restore it as it was, not rebuild it from state.
   * Null in exchange modes and in states written before it existed (the venue then starts from state's book).
   */
  paperVenue: z.strictObject({ cashUsd: nonNegative, assets: z.record(z.string(), finite) }).nullable().default(null),
  /** Byte length of each JSONL log when this state was written: a restart cuts off what a crashed cycle appended. */
  logOffsets: z.record(z.string(), z.number().int().min(0)),
  /** A fingerprint of each log's end at that length: proves on restart that the logs are this run's. */
  logTails: z.record(z.string(), z.string().regex(/^[0-9a-f]{16}$/)).default({}),
});

export type EngineState = z.infer<typeof engineStateSchema>;
export type Position = z.infer<typeof positionSchema>;
export type SleevePosition = z.infer<typeof sleevePositionSchema>;

/** What the sleeve is worth: its account's net flow plus its options at their last marks. */
export const sleeveValueUsd = (s: Pick<EngineState, 'sleeve' | 'sleevePositions'>): number => s.sleeve.cashUsd + s.sleevePositions.reduce((a, p) => a + p.markUsd, 0);
export type OpenOrder = z.infer<typeof openOrderSchema>;
export type ClosedTrade = EngineState['closedTrades'][number];
export type RunInfo = z.infer<typeof runInfoSchema>;
export type KillSwitchState = EngineState['killSwitch']['state'];

export function initialState(run: RunInfo, cashUsd: number, configHash: string, benchmarkSymbol = 'BTC'): EngineState {
  return {
    version: STATE_VERSION,
    run,
    lastCompletedCycle: null,
    lastCompletedTs: null,
    startNavUsd: cashUsd,
    cashUsd,
    positions: {},
    openOrders: [],
    equityCurve: [],
    peakEquityUsd: cashUsd,
    benchmark: { symbol: benchmarkSymbol, startPriceUsd: null },
    killSwitch: { state: 'active', reason: null, sinceCycle: null },
    sleevePositions: [],
    sleeve: { cashUsd: 0, periodStartMs: null, periodSpentUsd: 0 },
    assetMemory: {},
    universe: [],
    clusters: {},
    alarmed: [],
    targetWeights: {},
    dailyNav: [],
    closedTrades: [],
    approvedWeights: {},
    versions: { model: null, clusters: null, config: configHash },
    paperVenue: null,
    logOffsets: {},
    logTails: {},
  };
}
