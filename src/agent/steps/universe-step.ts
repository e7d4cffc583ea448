import { selectUniverse, type UniverseRules } from '../../universe/select-universe.js';
import type { CycleContext, CycleStep } from '../cycle-step.js';

/**
 * Picks the tradable micro-caps and logs when the set changes. The full selection runs every `refreshEveryBars`
 * (and whenever the list is empty) so assets near a band edge do not flap in and out every bar; in between, an asset
 * leaves only when its data fails the gate.
 */
export class UniverseStep implements CycleStep {
  readonly name = 'universe';

  constructor(
    private readonly rules: UniverseRules,
    private readonly refreshEveryBars: number,
  ) {}

  run(ctx: CycleContext): void {
    const refresh = ctx.state.universe.length === 0 || ctx.cycle % this.refreshEveryBars === 0;
    const u = refresh
      ? selectUniverse(ctx.snapshot, ctx.state.assetMemory, this.rules)
      : {
          tradable: ctx.state.universe.filter((s) => s in ctx.snapshot.bars),
          reference: this.rules.majors.filter((s) => s in ctx.snapshot.bars),
          excluded: ctx.state.universe.filter((s) => !(s in ctx.snapshot.bars)).map((symbol) => ({ symbol, rule: 'quality gate', reason: 'data failed the quality gate' })),
        };
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
