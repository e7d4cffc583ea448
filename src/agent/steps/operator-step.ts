import type { ControlQueue } from '../../ops/console/operator-controls.js';
import type { CycleContext, CycleStep } from '../cycle-step.js';
import { liftHalt } from '../resume.js';

/**
 * The operator's requests (console, Telegram), applied at the cycle after they were made, through the normal path:
 * after the exit step, so a flattening is an exit like the rules' (`operator`: the guardrails and the order path
 * sell it, `trade_closed.exit` says so) and a pause keeps every alarmed asset out of the allocation (exits still
 * sell). A lifted halt is a resume as `coce resume` makes it. Each request becomes one `operator_control` meta event
 * with who asked; one the engine cannot apply (nothing halted, no such position) is logged as refused.
 */
export class OperatorStep implements CycleStep {
  readonly name = 'operator';

  constructor(private readonly queue: ControlQueue) {}

  run(ctx: CycleContext): void {
    const st = ctx.state;
    // A request leaves the queue's file once both state.json and its backup hold its effect: applied before the last
    // completed cycle (state is saved every cycle outside back-tests, and back-tests take no request). One applied in
    // the last completed cycle stays in the file but is not applied again.
    const applied = st.operatorApplied ?? [];
    const last = st.lastCompletedCycle ?? -Infinity;
    const requests = this.queue.take(applied.filter((a) => a.cycle < last).map((a) => a.id)).filter((r) => !applied.some((a) => a.id === r.id));
    const remembered = [...applied.filter((a) => a.cycle >= last), ...requests.map((r) => ({ id: r.id, cycle: ctx.cycle }))];
    if (remembered.length > 0) st.operatorApplied = remembered;
    else delete st.operatorApplied;
    for (const r of requests) {
      const event = { id: r.id, control: r.kind, by: r.by, ...(r.symbol === undefined ? {} : { symbol: r.symbol }), ...(r.reason === undefined ? {} : { reason: r.reason }) };
      const refuse = (why: string) => ctx.emit('meta', 'operator_control', { ...event, applied: false, why });
      if (r.kind === 'pause_entries') {
        st.operator = { entriesPaused: true, by: r.by, sinceCycle: ctx.cycle };
      } else if (r.kind === 'resume_entries') {
        delete st.operator;
      } else if (r.kind === 'flatten') {
        const symbols = r.symbol == null ? Object.keys(st.positions).sort() : [r.symbol];
        const missing = symbols.filter((s) => st.positions[s] === undefined);
        if (missing.length > 0 || symbols.length === 0) {
          refuse(symbols.length === 0 ? 'no position to flatten' : `no position in ${missing.join(', ')}`);
          continue;
        }
        for (const s of symbols) {
          const trade = (st.openTrades[s] ??= { highWaterUsd: st.positions[s]!.avgEntryPriceUsd, lastCloseUsd: null, exit: null });
          if (trade.exit !== null) continue; // an exit rule is already selling it: it keeps its reason
          trade.exit = { reason: 'operator', cycle: ctx.cycle, detail: `flatten asked by ${r.by}` };
          ctx.exiting.add(s);
          const p = st.positions[s]!;
          ctx.emit('trades', 'exit_signal', { symbol: s, exit: 'operator', detail: trade.exit.detail, closeUsd: ctx.snapshot.bars[s]?.close ?? p.lastPriceUsd, avgEntryPriceUsd: p.avgEntryPriceUsd, openedCycle: p.openedCycle, qty: p.qty });
        }
      } else {
        if (st.killSwitch.state !== 'halted') {
          refuse(`trading is not halted (kill-switch ${st.killSwitch.state})`);
          continue;
        }
        ctx.emit('meta', 'resume', { ...liftHalt(st, ctx.cycle, r.reason ?? ''), by: r.by });
      }
      ctx.emit('meta', 'operator_control', { ...event, applied: true });
    }
    if (st.operator?.entriesPaused === true) {
      // no entry and no top-up while paused: every candidate and every held asset is kept out of the allocation
      for (const s of ctx.candidates) ctx.noEntry.add(s);
      for (const s of Object.keys(st.positions)) ctx.noEntry.add(s);
    }
  }
}
