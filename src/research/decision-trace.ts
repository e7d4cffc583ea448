import type { CycleContext } from '../agent/cycle-step.js';

/**
 * The decisions `coce check` compares, by the step that makes them: read from the cycle's context right after that
 * step. Each is written as JSON (sets sorted), so two runs' decisions compare exactly, to the last bit.
 */
export const DECISIONS: Record<string, Record<string, (ctx: CycleContext) => unknown>> = {
  universe: { tradable: (c) => c.universe?.tradable ?? null },
  alpha: { pumpProbabilities: (c) => c.pumpProbabilities, inPumpProbabilities: (c) => c.inPumpProbabilities, candidates: (c) => c.candidates },
  exits: { exiting: (c) => [...c.exiting].sort(), noEntry: (c) => [...c.noEntry].sort() },
  clusters: { clusters: (c) => c.state.clusters },
  allocation: { targetWeights: (c) => c.targetWeights },
  guardrails: { approvedWeights: (c) => c.approvedWeights, entriesBlocked: (c) => c.entriesBlocked },
  execution: {
    positions: (c) => Object.fromEntries(Object.entries(c.state.positions).map(([s, p]) => [s, p.qty])),
    cashUsd: (c) => c.state.cashUsd,
    openOrders: (c) => c.state.openOrders.map((o) => `${o.clientOrderId} ${o.side} ${o.qty} @ ${o.limitPriceUsd}`),
  },
};

/** cycle -> "step.field" -> JSON of the decision. */
export type DecisionTrace = Map<number, Map<string, string>>;

/** The hook that fills a trace: pass it as the run's onStep. */
export function traceInto(trace: DecisionTrace): (step: string, ctx: CycleContext) => void {
  return (step, ctx) => {
    const fields = DECISIONS[step];
    if (fields === undefined) return;
    let m = trace.get(ctx.cycle);
    if (m === undefined) trace.set(ctx.cycle, (m = new Map<string, string>()));
    for (const [field, read] of Object.entries(fields)) m.set(`${step}.${field}`, JSON.stringify(read(ctx)));
  };
}

export interface DecisionDifference {
  cycle: number;
  step: string;
  field: string;
  /** The decision in the reference run, and in the other (null: the other run made none at that cycle). */
  reference: string | null;
  other: string | null;
}

/** The first decision (in cycle order, then in the pipeline's order) where `other` differs from `reference`, on the cycles given. */
export function firstDifference(reference: DecisionTrace, other: DecisionTrace, cycles: readonly number[]): DecisionDifference | null {
  for (const cycle of cycles) {
    const a = reference.get(cycle);
    const b = other.get(cycle);
    const keys = [...new Set([...(a?.keys() ?? []), ...(b?.keys() ?? [])])];
    for (const key of keys) {
      const x = a?.get(key) ?? null;
      const y = b?.get(key) ?? null;
      if (x === y) continue;
      const dot = key.indexOf('.');
      return { cycle, step: key.slice(0, dot), field: key.slice(dot + 1), reference: x, other: y };
    }
  }
  return null;
}

/** A difference as a trader reads it: the bar (its close), the step and field, and the two values (shortened). */
export function describeDifference(d: DecisionDifference, barMs: number, what: { reference: string; other: string }): string {
  const cut = (s: string | null) => (s === null ? 'nothing' : s.length > 160 ? `${s.slice(0, 160)}...` : s);
  return `cycle ${d.cycle} (bar closing ${new Date((d.cycle + 1) * barMs).toISOString()}), step ${d.step}, field ${d.field}: ${what.reference} ${cut(d.reference)}; ${what.other} ${cut(d.other)}`;
}
