// The library surface (DESIGN.md "Library surface"): quant building blocks for reuse and cross-checks.
// Re-exports only; each lands here with the issue that builds it.
export { fitArima } from './alpha/arima/fit-arima.js';
export type { ArimaFit, ArimaOrder } from './alpha/arima/fit-arima.js';
export { LogisticModel } from './alpha/logistic-model.js';
export { rocAuc, prAuc } from './alpha/metrics.js';
export { maxDrawdown } from './risk_guardrails/drawdown.js';
export { historicalCvar, historicalVar } from './risk_guardrails/historical-var.js';
export { hitRate, sharpe } from './risk_guardrails/performance.js';
export { hrpWeights } from './portfolio/hrp.js';
export { applyClusterCap, limitTurnover } from './portfolio/constraints.js';
export { louvainCommunities } from './network_analysis/louvain.js';
export { consensusClusters } from './network_analysis/consensus-clusters.js';
export { SyntheticMarket } from './data_ingest/synthetic/synthetic-market.js';
export type { MarketDataSource, MarketSnapshot, Bar } from './data_ingest/market-data-source.js';

export { bsPrice, bsGreeks, impliedVol } from './options/black-scholes.js';
export type { OptionInput, Greeks, OptionType } from './options/black-scholes.js';
