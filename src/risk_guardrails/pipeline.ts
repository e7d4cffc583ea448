import type { Guardrail, GuardrailInput, GuardrailTrip, Weights } from './guardrail.js';
import { withoutEntries } from './guardrail.js';

export interface PipelineResult {
  weights: Weights;
  trips: GuardrailTrip[];
  entriesBlocked: boolean;
}

/**
 * Runs the guardrails in their fixed order, each on the previous one's approved book. The documented order is:
 * drawdown (scale or stop), correlation spike (scale, no entries), VaR floor (scale to fit), ADV cap (cut orders)
 * last, so no order that leaves the pipeline is larger than the ADV limit. When any check blocks entries, no
 * position is opened or increased. Checks may then re-examine the final book: the VaR floor reports a book still
 * above its limit because the ADV cap slowed the sales that would have brought it down.
 */
export function runGuardrails(guardrails: readonly Guardrail[], input: GuardrailInput): PipelineResult {
  let weights: Weights = { ...input.proposed };
  const trips: GuardrailTrip[] = [];
  let blocked = false;
  for (const g of guardrails) {
    const r = g.check({ ...input, proposed: blocked ? withoutEntries(input.current, weights) : weights });
    weights = r.weights;
    if (r.trip) trips.push(r.trip);
    blocked ||= r.blockEntries === true;
  }
  const final = blocked ? withoutEntries(input.current, weights) : weights;
  for (const g of guardrails) {
    const t = g.recheck?.(input, final);
    if (t) trips.push(t);
  }
  return { weights: final, trips, entriesBlocked: blocked };
}
