import { currentDrawdown } from './drawdown.js';
import { gross, scaleAdditions, scaleWeights, withoutEntries, type Guardrail, type GuardrailInput, type GuardrailResult } from './guardrail.js';

export interface DrawdownSettings {
  /** Fractions: at each level, gross exposure is scaled by its factor. */
  softLevels: { drawdown: number; grossScale: number }[];
  maxDrawdown: number;
  onMax: 'hold' | 'reduce' | 'flatten';
  reduceFraction: number;
}

/**
 * Drawdown tracker: peak-to-current equity drawdown (the peak is kept in state, so it survives restarts). Past a
 * soft level the proposed book is scaled by that level's factor (a held book is not rescaled each bar); at max_drawdown no entries, and positions are held,
 * reduced by `reduceFraction` a cycle, or flattened.
 */
export class DrawdownGuard implements Guardrail {
  readonly name = 'drawdown';

  constructor(private readonly s: DrawdownSettings) {}

  describe(): string {
    return `drawdown: scale at ${this.s.softLevels.map((l) => `${(100 * l.drawdown).toFixed(0)} % -> x${l.grossScale}`).join(', ')}; at ${(100 * this.s.maxDrawdown).toFixed(0)} % stop entries and ${this.s.onMax}`;
  }

  check(i: GuardrailInput): GuardrailResult {
    const dd = currentDrawdown(i.navUsd, i.peakEquityUsd);
    if (dd >= this.s.maxDrawdown) {
      const held = withoutEntries(i.current, i.current);
      const weights = this.s.onMax === 'flatten' ? {} : this.s.onMax === 'reduce' ? scaleWeights(held, 1 - this.s.reduceFraction) : held;
      return {
        weights,
        blockEntries: true,
        trip: { guardrail: this.name, reason: `drawdown ${(100 * dd).toFixed(2)} % >= max ${(100 * this.s.maxDrawdown).toFixed(2)} %: ${this.s.onMax}`, values: { drawdown: dd, max: this.s.maxDrawdown, action: this.s.onMax } },
      };
    }
    let scale = 1;
    let level = 0;
    for (const l of this.s.softLevels) if (dd >= l.drawdown) {
      scale = l.grossScale;
      level = l.drawdown;
    }
    if (scale === 1) return { weights: { ...i.proposed }, trip: null };
    const g = gross(i.proposed);
    const weights = i.holding === true ? scaleAdditions(i.current, i.proposed, scale) : scaleWeights(i.proposed, scale);
    // a held book with nothing added is left alone (no trip)
    const cut = g - gross(weights);
    return {
      weights,
      trip: g === 0 || (i.holding === true && cut <= 0) ? null : { guardrail: this.name, reason: `drawdown ${(100 * dd).toFixed(2)} % past ${(100 * level).toFixed(0)} %: gross x${scale}`, values: { drawdown: dd, level, grossScale: scale, grossBefore: g } },
    };
  }
}
