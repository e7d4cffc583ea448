import { z } from 'zod';
import { CLOSE_REASONS, SALE_REASONS, type ClosedTrade as DomainClosedTrade, type Position as DomainPosition } from '../domain/trade.js';

/**
 * The contract of data/state.json (version 1). Everything a restart needs to carry on exactly where the last
 * completed cycle left it. Amounts are USD unless named otherwise; times are ISO-8601 UTC of the simulated or wall
 * clock (never the wall clock in sim/backtest, so runs are byte-identical).
 */
export const STATE_VERSION = 1;

const finite = z.number().refine(Number.isFinite, { error: 'must be a finite number' });
const isoTs = z.iso.datetime();
/**
 * Ranges a hand edit or a corrupt file cannot pass: no account holds more than MAX_USD, a spot account's cash and
 * value never fall below zero (USD_FLOOR leaves room for rounding only), and no price or quantity is astronomical.
 */
export const MAX_USD = 1e13;
/** The longest run a state can describe (as sim.days and --days allow), and the latest bar a run may open. */
const MAX_RUN_DAYS = 3650;
const LAST_OPEN_MS = Date.UTC(2100, 0, 1);
const USD_FLOOR = -1;
const usd = finite.refine((x) => x >= USD_FLOOR && x <= MAX_USD, { error: `must be from ${USD_FLOOR} to ${MAX_USD} USD` });
const usdAmount = finite.refine((x) => x >= 0 && x <= MAX_USD, { error: `must be from 0 to ${MAX_USD} USD` });
const pnlUsd = finite.refine((x) => Math.abs(x) <= MAX_USD, { error: `must be within +-${MAX_USD} USD` });
const priceUsd = finite.refine((x) => x >= 0 && x <= 1e12, { error: 'must be from 0 to 1e12 USD' });
const quantity = finite.refine((x) => Math.abs(x) <= 1e18, { error: 'must be within +-1e18 units' });
const cycleId = z.number().int().min(0).max(1e12);

export const positionSchema = z.strictObject({
  qty: quantity,
  avgEntryPriceUsd: priceUsd,
  lastPriceUsd: priceUsd,
  openedCycle: cycleId,
  /** P&L realised so far in this round trip, fees included (a buy's fee is a realised cost). */
  realizedPnlUsd: pnlUsd,
});

/** Trades closed before exits existed were closed by the allocation's rebalancing. */
export const closedTradeSchema = z.strictObject({ closedCycle: cycleId, symbol: z.string().min(1), openedCycle: cycleId, pnlUsd: pnlUsd, exit: z.enum(CLOSE_REASONS).default('rebalance') });

export const openTradeSchema = z.strictObject({
  highWaterUsd: priceUsd,
  /** The close the exit step last saw (a surge is measured from it); null before its first bar. */
  lastCloseUsd: priceUsd.nullable(),
  exit: z.strictObject({ reason: z.enum(SALE_REASONS), cycle: cycleId, detail: z.string() }).nullable(),
});

export const openOrderSchema = z.strictObject({
  clientOrderId: z.string().min(1),
  venueOrderId: z.string().nullable(),
  symbol: z.string().min(1),
  side: z.enum(['buy', 'sell']),
  qty: quantity.refine((x) => x >= 0, { error: 'must be >= 0' }),
  filledQty: quantity.refine((x) => x >= 0, { error: 'must be >= 0' }),
  limitPriceUsd: priceUsd.nullable(),
  /** Reference (mid) price the order was sized from: its fills' slippage is measured against it. */
  refPriceUsd: priceUsd,
  /** Fill price and fees already applied to the book (fills are applied as increases over these). */
  avgFillPriceUsd: priceUsd,
  feeUsd: usdAmount,
  feeBaseQty: quantity.refine((x) => x >= 0, { error: 'must be >= 0' }),
  placedCycle: cycleId,
  /** Wall or simulated time the order was sent: it is cancelled after execution.order_ttl_ms. */
  placedMs: z.number().int(),
  /** pending: sent, but the venue's answer was lost and a lookup has not found it yet. */
  status: z.enum(['pending', 'open', 'partially_filled']),
  /** A sale an exit asked for: why (the closed trade's `exit`). */
  exit: z.enum(SALE_REASONS).optional(),
  /** Good-till-cancelled (a take-profit left on the venue): no TTL, cancelled when a sale needs its coins or on a halt. */
  resting: z.literal(true).optional(),
});

/** An order resting on the paper venue (execution/venue.ts VenueOrder). */
const paperOrderSchema = z.strictObject({
  clientOrderId: z.string().min(1),
  venueOrderId: z.string().min(1),
  symbol: z.string().min(1),
  side: z.enum(['buy', 'sell']),
  qty: quantity.refine((x) => x > 0, { error: 'must be > 0' }),
  filledQty: quantity.refine((x) => x >= 0, { error: 'must be >= 0' }),
  avgFillPriceUsd: priceUsd,
  feeUsd: usdAmount,
  feeBaseQty: quantity.refine((x) => x >= 0, { error: 'must be >= 0' }),
  limitPriceUsd: priceUsd.nullable(),
  status: z.enum(['open', 'partially_filled']),
});

export const sleevePositionSchema = z.strictObject({
  instrument: z.string().min(1),
  qty: quantity,
  /** Premium and fees paid for what is held, USD at the index when bought. */
  premiumPaidUsd: usdAmount,
  openedCycle: cycleId,
  /** Value at the last mark (mark price x index x qty); 0 in states written before the sleeve traded. */
  markUsd: usdAmount.default(0),
});

/** The convexity sleeve's own account: premium flows in and out of it, apart from the core book's cash. */
export const sleeveAccountSchema = z.strictObject({
  /** Net premium and settlement flow since the run started (negative: premium paid out). */
  cashUsd: pnlUsd,
  /** The budget period now running, and the premium (with fees) spent in it. */
  periodStartMs: z.number().int().nullable(),
  periodSpentUsd: usdAmount,
});

export const equityPointSchema = z.strictObject({ cycle: cycleId, ts: isoTs, navUsd: usd });

export const killSwitchSchema = z.strictObject({
  /** probation: resumed automatically after an audit's halt, trading at reduced gross until an audit passes. */
  state: z.enum(['active', 'reducing', 'halted', 'probation']),
  reason: z.string().nullable(),
  sinceCycle: cycleId.nullable(),
  /** 'audit' on a halt by the performance audit: the only halt meta.auto_resume_after_days may lift. */
  cause: z.literal('audit').optional(),
});

export const runInfoSchema = z.strictObject({
  mode: z.enum(['sim', 'backtest', 'testnet', 'live']),
  seed: z.number().int().nullable(),
  marketSource: z.string().min(1),
  barMs: z.number().int().positive().max(86_400_000),
  firstCycle: cycleId,
  /** The currency NAV and every amount are in: the data's quote (absent in old states: USDT). */
  quote: z.string().regex(/^[A-Z0-9]{2,10}$/).optional(),
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
  lastCompletedCycle: cycleId.nullable(),
  lastCompletedTs: isoTs.nullable(),
  /** NAV when the run started: the base of the run's return (the equity curve in state is bounded). */
  startNavUsd: usdAmount,
  cashUsd: usd,
  positions: z.record(z.string(), positionSchema),
  openOrders: z.array(openOrderSchema),
  equityCurve: z.array(equityPointSchema),
  peakEquityUsd: usdAmount,
  /** Buy-and-hold of the first major from the first cycle: what the book is compared with. */
  benchmark: z.strictObject({
    symbol: z.string().min(1),
    startPriceUsd: priceUsd.nullable(),
    /**
     * Equal-weight buy-and-hold of the micro-caps that had a bar at the run's first cycle: their first and last
     * prices (an asset without a bar is marked at its last one). Null before the first cycle, and in old states.
     */
    universe: z.strictObject({ startPrices: z.record(z.string(), priceUsd), lastPrices: z.record(z.string(), priceUsd) }).nullable().default(null),
  }),
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
  /** Bars in a row each of those alarms has lasted (absent in older states: counted from the next bar). */
  alarmStreaks: z.record(z.string(), z.number().int().min(1)).default({}),
  /** The allocation's last target weights (fractions of NAV). */
  targetWeights: z.record(z.string(), z.number().min(0).max(10)),
  /** NAV at the last bar of each UTC day (the kill-switch's daily returns), last 60 days. */
  dailyNav: z.array(z.strictObject({ day: z.iso.date(), navUsd: usd })),
  /** Trades closed recently (the last MAX_CLOSED_TRADES), for the hit rate and the cool-downs after an exit. */
  closedTrades: z.array(closedTradeSchema),
  /**
   * Open pump trades' exit memory: the highest close since entry (the trailing stop's high) and the exit a rule
   * asked for (kept until the position is sold, so a restart goes on selling it). Absent in older states: empty.
   */
  openTrades: z.record(z.string(), openTradeSchema).default({}),
  /** The last bar each asset spiked (a pump under way): no entry for alpha.no_entry_after_spike_hours after it. */
  lastSpikeCycle: z.record(z.string(), cycleId).default({}),
  /** The last book the guardrails approved: what execution works toward. */
  approvedWeights: z.record(z.string(), z.number().min(0).max(10)),
  versions: z.strictObject({ model: z.string().nullable(), clusters: z.string().nullable(), config: z.string() }),
  /** Entries paused by the operator (console, Telegram): present only while paused. */
  operator: z.strictObject({ entriesPaused: z.literal(true), by: z.string().min(1), sinceCycle: cycleId }).optional(),
  /**
   * The operator requests applied in the last two cycles that applied any (ids, cycle): the operator step skips them
   * and lets the request file drop them once the backup state holds them too (ControlQueue).
   */
  operatorApplied: z.array(z.strictObject({ id: z.string().min(1), cycle: cycleId })).min(1).optional(),
  /** The pump model retraining made last (alpha.classifier.retrain_every_days): its file under the state folder. */
  retrainedModel: z.strictObject({ cycle: cycleId, file: z.string().regex(/^models\/model-c\d+\.json$/), version: z.string().regex(/^[0-9a-f]{16}$/) }).nullable().default(null),
  /**
   * sim/backtest: the paper venue's own balances. The venue keeps its book apart from state (as an exchange does) and
   * its sums round differently from state's, so a restart must restore it as it was, not rebuild it from state.
   * Null in exchange modes and in states written before it existed (the venue then starts from state's book).
   */
  paperVenue: z
    .strictObject({
      cashUsd: usdAmount,
      assets: z.record(z.string(), quantity),
      /** Orders resting on the paper book (good-till-cancelled take-profits), as the venue reports them. */
      resting: z.array(paperOrderSchema).optional(),
    })
    .nullable()
    .default(null),
  /** Byte length of each JSONL log when this state was written: a restart cuts off what a crashed cycle appended. */
  logOffsets: z.record(z.string(), z.number().int().min(0)),
  /** A fingerprint of each log's end at that length: proves on restart that the logs are this run's. */
  logTails: z.record(z.string(), z.string().regex(/^[0-9a-f]{16}$/)).default({}),
}).superRefine((s, ctx) => {
  // what no run can write: a restart on such a state would replay the wrong span, or forever
  const bad = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  let heldUsd = 0;
  for (const [sym, p] of Object.entries(s.positions)) {
    heldUsd += Math.abs(p.qty * p.lastPriceUsd);
    // the paper venue is the sim's exchange: a position it does not hold was not bought (a hand edit)
    const venueQty = s.paperVenue?.assets[sym] ?? 0;
    if (s.paperVenue !== null && Math.abs(p.qty - venueQty) > 1e-9 + 1e-6 * Math.max(Math.abs(p.qty), Math.abs(venueQty))) {
      bad(['positions', sym, 'qty'], `is ${p.qty}, but the paper venue holds ${venueQty} (paperVenue.assets): state and venue move together`);
    }
  }
  if (heldUsd > MAX_USD) bad(['positions'], `are worth ${heldUsd.toExponential(3)} USD at their last prices, above ${MAX_USD}`);
  const openMs = s.run.firstCycle * s.run.barMs;
  if (!(openMs >= 0 && openMs <= LAST_OPEN_MS)) bad(['run', 'firstCycle'], `must open a bar between 1970 and 2100 (got a bar opening at ${openMs} ms)`);
  if ((s.lastCompletedCycle === null) !== (s.lastCompletedTs === null)) bad(['lastCompletedTs'], 'must be null exactly when lastCompletedCycle is');
  const last = s.lastCompletedCycle;
  if (last === null) return;
  if (last < s.run.firstCycle) bad(['lastCompletedCycle'], `must be >= run.firstCycle ${s.run.firstCycle} (got ${last})`);
  else if ((last - s.run.firstCycle + 1) * s.run.barMs > MAX_RUN_DAYS * 86_400_000) bad(['lastCompletedCycle'], `is more than ${MAX_RUN_DAYS} days after run.firstCycle`);
  else if (s.lastCompletedTs !== null && Date.parse(s.lastCompletedTs) !== (last + 1) * s.run.barMs) bad(['lastCompletedTs'], `must be the close of cycle ${last} (${new Date((last + 1) * s.run.barMs).toISOString()})`);
  const after = s.equityCurve.findIndex((p) => p.cycle > last);
  if (after >= 0) bad(['equityCurve', after, 'cycle'], `is after lastCompletedCycle ${last}`);
});

export type EngineState = z.infer<typeof engineStateSchema>;
export type Position = DomainPosition;
export type OpenTrade = z.infer<typeof openTradeSchema>;
// the persisted shapes are the domain's (a compile error here means the two have drifted apart)
const _positionIsDomain: z.ZodType<DomainPosition> = positionSchema;
const _closedTradeIsDomain: z.ZodType<DomainClosedTrade> = closedTradeSchema;
void _positionIsDomain;
void _closedTradeIsDomain;
export type SleevePosition = z.infer<typeof sleevePositionSchema>;

/** What the sleeve is worth: its account's net flow plus its options at their last marks. */
export const sleeveValueUsd = (s: Pick<EngineState, 'sleeve' | 'sleevePositions'>): number => s.sleeve.cashUsd + s.sleevePositions.reduce((a, p) => a + p.markUsd, 0);
export type OpenOrder = z.infer<typeof openOrderSchema>;
export type ClosedTrade = DomainClosedTrade;
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
    benchmark: { symbol: benchmarkSymbol, startPriceUsd: null, universe: null },
    killSwitch: { state: 'active', reason: null, sinceCycle: null },
    sleevePositions: [],
    sleeve: { cashUsd: 0, periodStartMs: null, periodSpentUsd: 0 },
    assetMemory: {},
    universe: [],
    clusters: {},
    alarmed: [],
    alarmStreaks: {},
    targetWeights: {},
    dailyNav: [],
    closedTrades: [],
    openTrades: {},
    lastSpikeCycle: {},
    approvedWeights: {},
    versions: { model: null, clusters: null, config: configHash },
    retrainedModel: null,
    paperVenue: null,
    logOffsets: {},
    logTails: {},
  };
}
