import { InvalidArgumentError, Option } from 'commander';

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
