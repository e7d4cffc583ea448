import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { parseEnv } from 'node:util';
import type { Config } from '../utils/config.js';
import { PACKAGE_ROOT } from '../utils/package-root.js';
import type { Env, Mode, SleeveChoice } from '../utils/env.js';
import { UsageError } from '../utils/errors.js';
import type { SecretScrubber } from '../utils/secret-scrubber.js';
import type { ConfigFlags } from './options.js';

export { PACKAGE_ROOT };
export const VERSION = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

export interface CliIo {
  /** The process environment; `.env` in `cwd` is merged under it (the environment wins). */
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown };
  /** Stops a run early (SIGINT/SIGTERM in the real process). */
  signal?: AbortSignal;
  /** Hard exit when a stop does not complete in time; the real process exits 1. */
  forceExit?: () => void;
}

export const MODES: Mode[] = ['sim', 'backtest', 'testnet', 'live'];
export const SLEEVES: SleeveChoice[] = ['core', 'convex', 'all'];

/** Resolve a path against cwd; an unset default falls back to the copy shipped with the package. */
export function configPath(given: string | undefined, fallback: string, cwd: string): string {
  if (given !== undefined) return isAbsolute(given) ? given : resolve(cwd, given);
  const local = resolve(cwd, fallback);
  return existsSync(local) ? local : join(PACKAGE_ROOT, fallback);
}

export function mergedEnv(io: CliIo): NodeJS.ProcessEnv {
  const file = join(io.cwd, '.env');
  if (!existsSync(file)) return io.env;
  let parsed: NodeJS.Dict<string>;
  try {
    parsed = parseEnv(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`.env in ${io.cwd} cannot be read (${(err as Error).message})`);
  }
  return { ...parsed, ...io.env };
}

/** What every command's module gets from main: the io, the environment (or why it is invalid), output and config. */
export interface CliContext {
  io: CliIo;
  env: Env | Error;
  scrubber: SecretScrubber;
  /** One line (or lines) to stdout, secrets scrubbed. */
  say: (s: string) => void;
  /** The main and sleeve config files a command's flags name (defaults: config/base.yaml, config/sleeve.yaml). */
  configFiles: (f: ConfigFlags) => Config;
}
