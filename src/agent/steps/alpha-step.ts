import type { FeatureFeed } from '../../alpha/feature-engine.js';
import type { PumpModel } from '../../alpha/pump-model.js';
import type { CycleContext, CycleStep } from '../cycle-step.js';

/** Assets a lazy feature engine catches up per cycle: 82 in ~10 cycles at ~5 ms each at start. */
const LAZY_CATCH_UP_PER_CYCLE = 8;

/**
 * Scores every tradable micro-cap with the pump model: features from the feature engine (fed every clean bar, so its
 * filters stay in step; in back-tests it runs on the market's worker, ahead), probability from the model. Alarms
 * (probability at or above the model's threshold and alpha.entry_probability) are logged with their features when
 * they start; the most probable `maxCandidates` of those alarmed `confirmBars` bars in a row go on to allocation.
 */
export class AlphaStep implements CycleStep {
  readonly name = 'alpha';

  constructor(
    private readonly engine: FeatureFeed,
    /** Replaced by a retrain (retrain-step.ts); the features stay the same. */
    public model: PumpModel,
    private readonly o: { entryProbability: number; maxCandidates: number; confirmBars: number },
  ) {}

  run(ctx: CycleContext): void {
    const tradable = ctx.universe?.tradable ?? [];
    const features = this.engine.update(ctx.snapshot, tradable);
    // a lazy engine's other assets, a few a cycle (the same rows whenever; see FeatureEngine.catchUpLazy)
    this.engine.catchUpLazy?.(LAZY_CATCH_UP_PER_CYCLE);
    const symbols = tradable.filter((s) => features.has(s));
    const rows = symbols.map((s) => features.get(s)!);
    const probs = this.model.score(rows);
    const inPump = this.model.scoreInPump(rows);
    const threshold = Math.max(this.model.threshold, this.o.entryProbability);
    const alarms: { symbol: string; probability: number }[] = [];
    symbols.forEach((s, i) => {
      ctx.pumpProbabilities[s] = probs[i]!;
      if (inPump !== null) ctx.inPumpProbabilities[s] = inPump[i]!;
      if (probs[i]! >= threshold) alarms.push({ symbol: s, probability: probs[i]! });
    });
    alarms.sort((a, b) => b.probability - a.probability || (a.symbol < b.symbol ? -1 : 1));
    const names = this.model.file.features;
    const before = new Set(ctx.state.alarmed);
    // how many bars in a row each alarm has lasted: a candidate must have held its alarm confirmBars bars (an
    // accumulation lasts hours; a one-bar alarm is mostly noise)
    const streaks: Record<string, number> = {};
    for (const a of alarms) streaks[a.symbol] = (before.has(a.symbol) ? (ctx.state.alarmStreaks[a.symbol] ?? 1) : 0) + 1;
    ctx.state.alarmStreaks = streaks;
    ctx.candidates = alarms.filter((a) => streaks[a.symbol]! >= this.o.confirmBars).slice(0, this.o.maxCandidates).map((a) => a.symbol);
    ctx.state.alarmed = alarms.map((a) => a.symbol).sort();
    for (const a of alarms) {
      if (before.has(a.symbol)) continue; // logged when it started
      const x = features.get(a.symbol)!;
      ctx.emit('meta', 'pump_alarm', {
        symbol: a.symbol,
        probability: a.probability,
        threshold,
        candidate: ctx.candidates.includes(a.symbol),
        features: Object.fromEntries(names.map((n, j) => [n, x[j]])),
      });
    }
  }
}
