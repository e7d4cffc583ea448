import type { Config } from './config.js';
import { BAR_INTERVAL_MS } from './config-schema.js';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
export const YEAR_MS = 365 * DAY_MS;

export const barMsOf = (interval: Config['schedule']['barInterval']): number => BAR_INTERVAL_MS[interval];

/** ISO-8601 UTC with milliseconds, as every log line and state timestamp uses. */
export const isoOf = (ms: number): string => new Date(ms).toISOString();

/**
 * Cycle ids number bars since the Unix epoch: cycle c is the bar [c * barMs, (c + 1) * barMs) and is decided at its
 * close. The id is the same in every mode and after any restart, so client order ids derived from it are stable.
 */
export const cycleCloseMs = (cycle: number, barMs: number): number => (cycle + 1) * barMs;
export const cycleOfOpenMs = (openMs: number, barMs: number): number => Math.floor(openMs / barMs);
