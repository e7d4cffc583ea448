import { InvalidArgumentError, Option } from 'commander';
import { TIMEFRAME_LIST, timeframeMs } from '../data_ingest/recorded/market-files.js';

/** Ten years: the longest run or data set any --days may ask for (as sim.days). */
export const MAX_DAYS = 3650;

/** A whole-number option within [min, max]; the message names the option and the range. */
export const intArg = (min: number, what: string, max = Number.MAX_SAFE_INTEGER) => (v: string) => {
  const n = Number(v);
  if (!/^-?\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
    throw new InvalidArgumentError(`${what} must be a whole number ${range}, got "${v}"`);
  }
  return n;
};

export const nonNegativeArg = (v: string) => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`must be a number >= 0, got "${v}"`);
  return n;
};

// The config-file options every command that reads the config takes.
export const configOption = () => new Option('--config <file>', 'main config file (default: config/base.yaml)');
export const sleeveConfigOption = () => new Option('--sleeve-config <file>', 'options sleeve config file (default: config/sleeve.yaml)');
export const noSleeveConfigOption = () => new Option('--no-sleeve-config', 'the sleeve section is in the main config file');

/** The config flags of a command, as commander parses them. */
export interface ConfigFlags {
  config?: string;
  sleeveConfig?: string | false;
}

/** A date (2021-01-01) or a UTC date-time (2021-01-01T12:00Z); a date-time without a zone is read as UTC. */
export const dateArg = (v: string): number => {
  const text = /^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : /[zZ]|[+-]\d{2}:?\d{2}$/.test(v) ? v : `${v}Z`;
  const ms = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(v) || !Number.isFinite(ms) || ms < Date.UTC(2009, 0, 1) || ms > Date.UTC(2100, 0, 1)) {
    throw new InvalidArgumentError(`must be a date (2021-01-01) or a UTC date-time (2021-01-01T12:00Z) from 2009 to 2100, got "${v}"`);
  }
  return ms;
};

/** A bar size COCE knows (1m .. 1d). */
export const timeframeArg = (v: string): string => {
  if (timeframeMs(v) === null) throw new InvalidArgumentError(`must be one of ${TIMEFRAME_LIST}, got "${v}"`);
  return v;
};
