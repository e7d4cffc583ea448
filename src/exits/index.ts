export * from './exit-rule.js';
export * from './exits.js';
export { isSpikeBar, spikeSell, type SpikeSettings } from './spike-sell.js';
export { stopLoss } from './stop-loss.js';
export { takeProfit } from './take-profit.js';
export { timeLimit } from './time-limit.js';
export { trailingStop } from './trailing-stop.js';
