import { firstExit, isSpikeBar, nextHighWater, type ExitBar, type ExitRule, type SpikeSettings } from '../../exits/index.js';
import type { CycleContext, CycleStep } from '../cycle-step.js';

export interface ExitStepSettings {
  barsPerDay: number;
  /** No new entry in an asset this many bars after a round trip in it closed. */
  cooldownBars: number;
  /** A position worth less than this is dust, not a trade. */
  dustUsd: number;
  /** What a spike is (exits.spike; asked each bar: a retrained model brings its own in-pump threshold). */
  spike: () => SpikeSettings | null;
  /** Bars after a spike that the asset may not be entered (0: no block). */
  noEntryAfterSpikeBars: number;
}

/**
 * Asks the exit rules about every held position at this bar (after the alpha step, which scores the in-pump
 * detector; before the allocation, which then targets nothing in an exiting asset). An exit that fires is kept in
 * state until the position is sold, so a sale the ADV cap spreads over several cycles, or one a crash interrupted,
 * goes on; the sale itself goes through the guardrails and execution like every order. Also names the assets in
 * cool-down after a close or after a spike (a pump under way: buying it buys its dump). The trailing stop's
 * high-water mark moves after the rules are asked.
 */
export class ExitStep implements CycleStep {
  readonly name = 'exits';

  constructor(
    /** Asked each bar: the time limit and the spike rule follow the model in use (a retrain may replace it). */
    private readonly rules: () => readonly ExitRule[],
    private readonly s: ExitStepSettings,
  ) {}

  run(ctx: CycleContext): void {
    const st = ctx.state;
    for (const sym of Object.keys(st.openTrades)) {
      const p = st.positions[sym];
      // sold outside the rules' sight (reconciled away); a position not priced yet (taken from the account) stays
      const price = p === undefined ? 0 : (ctx.snapshot.bars[sym]?.close ?? p.lastPriceUsd);
      if (p === undefined || (price > 0 && p.qty * price < this.s.dustUsd)) delete st.openTrades[sym];
    }
    const rules = this.rules();
    for (const sym of Object.keys(st.positions).sort()) {
      const p = st.positions[sym]!;
      const bar = ctx.snapshot.bars[sym];
      if (p.qty * (bar?.close ?? p.lastPriceUsd) < this.s.dustUsd) continue; // dust left by a sale: not a trade
      const trade = (st.openTrades[sym] ??= { highWaterUsd: p.avgEntryPriceUsd, lastCloseUsd: null, exit: null });
      if (trade.exit !== null) ctx.exiting.add(sym);
      if (bar === undefined) continue; // no clean bar this cycle (a gap, a bad print): nothing to judge
      if (trade.exit === null) {
        const exitBar: ExitBar = {
          cycle: ctx.cycle,
          closeUsd: bar.close,
          prevCloseUsd: trade.lastCloseUsd,
          volumeUsd: bar.volumeUsd,
          advUsd: ctx.snapshot.liquidity[sym]?.advUsd ?? 0,
          barsPerDay: this.s.barsPerDay,
          inPumpProbability: ctx.inPumpProbabilities[sym] ?? null,
        };
        const held = { symbol: sym, avgEntryPriceUsd: p.avgEntryPriceUsd, openedCycle: p.openedCycle, highWaterUsd: trade.highWaterUsd };
        const signal = firstExit(rules, held, exitBar);
        if (signal !== null) {
          trade.exit = { reason: signal.reason, cycle: ctx.cycle, detail: signal.detail };
          ctx.exiting.add(sym);
          ctx.emit('trades', 'exit_signal', { symbol: sym, exit: signal.reason, detail: signal.detail, closeUsd: bar.close, avgEntryPriceUsd: p.avgEntryPriceUsd, openedCycle: p.openedCycle, qty: p.qty, ...signal.values });
        }
        trade.highWaterUsd = nextHighWater(held, exitBar);
      }
      trade.lastCloseUsd = bar.close;
    }
    this.blockSpikes(ctx);
    if (this.s.cooldownBars > 0) {
      for (const t of st.closedTrades) if (ctx.cycle - t.closedCycle < this.s.cooldownBars) ctx.noEntry.add(t.symbol);
    }
  }

  /** Records the tradable assets spiking at this bar, and blocks entries in those that spiked lately. */
  private blockSpikes(ctx: CycleContext): void {
    const spike = this.s.spike();
    const bars = this.s.noEntryAfterSpikeBars;
    if (spike === null || bars === 0) return;
    const last = ctx.state.lastSpikeCycle;
    for (const sym of ctx.universe?.tradable ?? []) {
      const bar = ctx.snapshot.bars[sym];
      if (bar === undefined) continue;
      const b = { openUsd: bar.open, closeUsd: bar.close, volumeUsd: bar.volumeUsd, advUsd: ctx.snapshot.liquidity[sym]?.advUsd ?? 0, barsPerDay: this.s.barsPerDay, inPumpProbability: ctx.inPumpProbabilities[sym] ?? null };
      if (isSpikeBar(spike, b)) last[sym] = ctx.cycle;
    }
    for (const sym of Object.keys(last)) {
      if (ctx.cycle - last[sym]! < bars) ctx.noEntry.add(sym);
      else delete last[sym];
    }
  }
}
