import { nextUniverse, type UniverseRules } from '../../universe/select-universe.js';
import type { CycleContext, CycleStep } from '../cycle-step.js';

/** Picks the tradable micro-caps (nextUniverse) and logs when the set changes. */
export class UniverseStep implements CycleStep {
  readonly name = 'universe';

  constructor(
    private readonly rules: UniverseRules,
    private readonly refreshEveryBars: number,
  ) {}

  run(ctx: CycleContext): void {
    const u = nextUniverse(ctx.state.universe, ctx.cycle, ctx.snapshot, ctx.state.assetMemory, this.rules, this.refreshEveryBars);
    ctx.universe = u;
    const before = new Set(ctx.state.universe);
    const now = new Set(u.tradable);
    const added = u.tradable.filter((s) => !before.has(s)).sort();
    const removed = ctx.state.universe.filter((s) => !now.has(s)).sort();
    if (added.length > 0 || removed.length > 0) {
      const reasons: Record<string, string> = {};
      for (const e of u.excluded) if (removed.includes(e.symbol)) reasons[e.symbol] = e.reason;
      ctx.emit('meta', 'universe_changed', { tradable: u.tradable.length, added, removed, removedReasons: reasons });
    }
    // an empty universe trades nothing: said once when it empties (or on a run's first cycle), with the reasons
    if (u.tradable.length === 0 && (before.size > 0 || ctx.state.lastCompletedCycle === null)) {
      const reasons: Record<string, number> = {};
      for (const e of u.excluded) reasons[e.rule] = (reasons[e.rule] ?? 0) + 1;
      ctx.emit('meta', 'universe_empty', { candidates: Object.keys(ctx.snapshot.bars).length - u.reference.length, excludedByRule: reasons });
    }
    ctx.state.universe = u.tradable;
  }
}
