import type { MarketSnapshot } from '../data_ingest/market-data-source.js';
import { qualityGate, type AssetMemory, type QualityRules } from '../data_ingest/quality-gate.js';

/**
 * A fresh run's gate memory from the source's history before the first cycle, so listing ages and the jump check
 * start from what the market already showed (a resumed run has its memory in state.json instead).
 */
export function warmUpMemory(history: readonly MarketSnapshot[], rules: QualityRules): Record<string, AssetMemory> {
  let memory: Record<string, AssetMemory> = {};
  for (const snap of history) memory = qualityGate(snap, memory, rules).memory;
  return memory;
}
