import { newCycleContext, type CycleContext } from '../../src/agent/cycle-step.js';
import type { MarketSnapshot } from '../../src/data_ingest/market-data-source.js';
import { initialState, type EngineState } from '../../src/state/schema.js';

export const H = 3_600_000;

export interface RecordedEvent {
  log: string;
  type: string;
  fields: Record<string, unknown>;
}

export const emptySnapshot = (cycle: number): MarketSnapshot => ({ cycle, closeMs: (cycle + 1) * H, bars: {}, liquidity: {}, sentiment: {}, realizedVol: {} });

export const freshState = (cashUsd = 1): EngineState => initialState({ mode: 'sim', seed: 1, marketSource: 'x', barMs: H, firstCycle: 0 }, cashUsd, 'h');

/** A cycle context for one step's unit test, with the events it emits collected. */
export function makeContext(o: Partial<CycleContext> & { snapshot?: MarketSnapshot; state?: EngineState } = {}): { c: CycleContext; events: RecordedEvent[] } {
  const snapshot = o.snapshot ?? emptySnapshot(o.cycle ?? 10);
  const events: RecordedEvent[] = [];
  const c: CycleContext = {
    ...newCycleContext({
      cycle: snapshot.cycle,
      closeMs: snapshot.closeMs,
      snapshot,
      navUsd: (o.state ?? freshState()).cashUsd,
      state: freshState(),
      emit: (log, type, fields = {}) => events.push({ log, type, fields }),
    }),
    ...o,
    snapshot,
  };
  return { c, events };
}
