import { gross, scaleWeights, withoutEntries, type Guardrail, type GuardrailInput, type GuardrailResult } from './guardrail.js';

/**
 * Correlation spike sentinel: when the universe's average pairwise correlation over the short window exceeds the
 * long-window average by more than `threshold`, diversification has failed for now: gross exposure is cut by
 * `grossScale` and no entries are allowed until it passes.
 */
export class CorrelationSpike implements Guardrail {
  readonly name = 'correlation-spike';

  constructor(private readonly s: { threshold: number; grossScale: number }) {}

  describe(): string {
    return `correlation spike: short - long average correlation > ${this.s.threshold} -> gross x${this.s.grossScale}, no entries`;
  }

  check(i: GuardrailInput): GuardrailResult {
    const spike = i.avgCorrelationShort - i.avgCorrelationLong;
    if (!(spike > this.s.threshold)) return { weights: { ...i.proposed }, trip: null };
    // a held book is not cut again every bar the spike lasts: it only may not grow
    const weights = i.holding === true ? withoutEntries(i.current, i.proposed) : scaleWeights(withoutEntries(i.current, i.proposed), this.s.grossScale);
    return {
      weights,
      blockEntries: true,
      trip: {
        guardrail: this.name,
        reason: `average correlation ${i.avgCorrelationShort.toFixed(3)} vs ${i.avgCorrelationLong.toFixed(3)} long-run (spike ${spike.toFixed(3)} > ${this.s.threshold})`,
        values: { short: i.avgCorrelationShort, long: i.avgCorrelationLong, spike, threshold: this.s.threshold, grossBefore: gross(i.proposed), grossAfter: gross(weights) },
      },
    };
  }
}
