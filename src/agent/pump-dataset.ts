import { FeatureEngine, type FeatureEngineOptions } from '../alpha/feature-engine.js';
import { labelsAt, type Candles, type Dataset, type DatasetRow, type PumpWindow } from '../alpha/dataset.js';
import type { MarketDataSource } from '../data_ingest/market-data-source.js';
import { qualityGate, type AssetMemory, type QualityRules } from '../data_ingest/quality-gate.js';
import type { PumpEvent } from '../data_ingest/synthetic/pump-schedule.js';

/** A market to learn pumps from: bars from `fromCycle` on, and its labelled pumps (the ground truth). */
export interface LabelledMarket {
  market: MarketDataSource;
  /** First bar the source serves (earlier bars warm the filters only). */
  fromCycle: number;
  /** The pumps known so far (the synthetic market schedules them as it generates). */
  events: () => readonly PumpEvent[];
}

/**
 * Runs a labelled market from `fromCycle` through `lastCycle`, through the data-quality gate and the feature engine
 * exactly as the engine does, and keeps rows from `firstCycle` on. The same code serves the synthetic market and a
 * recorded folder with its events.
 */
export async function buildDataset(src: LabelledMarket, firstCycle: number, lastCycle: number, o: { features: FeatureEngineOptions; quality: QualityRules; horizonBars: number }): Promise<Dataset> {
  const engine = new FeatureEngine(o.features);
  let memory: Record<string, AssetMemory> = {};
  const rows: DatasetRow[] = [];
  const candles = new Map<string, Candles>();
  const horizonMs = o.horizonBars * o.quality.barMs;
  const endMs = (lastCycle + 1) * o.quality.barMs;
  for (let c = src.fromCycle; c <= lastCycle; c++) {
    const raw = await src.market.snapshot(c);
    const gate = qualityGate(raw, memory, o.quality);
    memory = gate.memory;
    const features = engine.update(gate.clean);
    // candles from the warm-up on, so the baseline's rolling means are as warm as the model's filters
    for (const [symbol, bar] of Object.entries(gate.clean.bars)) {
      if (o.features.exclude.includes(symbol)) continue;
      let k = candles.get(symbol);
      if (k === undefined) candles.set(symbol, (k = { cycles: [], high: [], close: [], volume: [] }));
      k.cycles.push(c);
      k.high.push(bar.high);
      k.close.push(bar.close);
      k.volume.push(bar.volumeUsd);
    }
    if (c < firstCycle || features.size === 0) continue;
    const byAsset = new Map<string, PumpWindow[]>();
    for (const e of src.events()) {
      if (e.accumulationStartMs > raw.closeMs + horizonMs || e.endMs < raw.closeMs - horizonMs) continue;
      byAsset.set(e.symbol, [...(byAsset.get(e.symbol) ?? []), e]);
    }
    for (const [symbol, x] of features) {
      const l = labelsAt(byAsset.get(symbol) ?? [], raw.closeMs, horizonMs);
      rows.push({ symbol, cycle: c, closeMs: raw.closeMs, x, ...l });
    }
  }
  return {
    rows,
    candles,
    // read at the end: the synthetic market schedules events as it generates
    events: src.events().filter((e) => e.pumpStartMs >= firstCycle * o.quality.barMs && e.pumpStartMs < endMs),
    firstCycle,
    lastCycle,
    fitStats: { ...engine.stats },
  };
}
