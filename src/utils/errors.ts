/**
 * Typed errors. Each says what went wrong in the operator's terms and carries the exit code the CLI returns:
 * 2 for bad input the operator can fix (config, arguments, state, environment, paths), 1 for anything unexpected.
 */
export abstract class CoceError extends Error {
  abstract readonly exitCode: 1 | 2;
  constructor(
    message: string,
    readonly context: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** One broken rule in a config file: the dotted key path and what it should have been. */
export interface ConfigProblem {
  path: string;
  rule: string;
}

export class ConfigError extends CoceError {
  override name = 'ConfigError';
  readonly exitCode = 2;
  constructor(
    readonly file: string,
    readonly problems: ConfigProblem[],
  ) {
    super(
      `invalid config ${file}:\n` + problems.map((p) => `  - ${p.path || '(root)'}: ${p.rule}`).join('\n'),
      { file, problems },
    );
  }
}

export class UsageError extends CoceError {
  override name = 'UsageError';
  readonly exitCode = 2;
}

/** testnet/live started without the secrets they need (names only, never values). */
export class MissingSecretsError extends CoceError {
  override name = 'MissingSecretsError';
  readonly exitCode = 2;
  constructor(
    readonly mode: string,
    readonly missing: string[],
  ) {
    super(`mode ${mode} needs these environment variables, which are not set: ${missing.join(', ')}`, {
      mode,
      missing,
    });
  }
}

/** state.json is unreadable, invalid, of another version, or belongs to another run. Never overwritten. */
export class StateError extends CoceError {
  override name = 'StateError';
  readonly exitCode = 2;
}

/** A state the engine itself produced fails the state schema: a bug (exit 1), never written to disk. */
export class StateInvariantError extends CoceError {
  override name = 'StateInvariantError';
  readonly exitCode = 1;
}

/** A file or folder COCE must write (state dir, log dir) cannot be written. */
export class PathError extends CoceError {
  override name = 'PathError';
  readonly exitCode = 2;
}

export const exitCodeOf = (err: unknown): 1 | 2 => (err instanceof CoceError ? err.exitCode : 1);

const FS_REASONS: Record<string, string> = {
  EEXIST: 'a file is in the way of the folder',
  ENOTDIR: 'a file is in the way of the folder',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  ENOENT: 'no such file or folder',
  EISDIR: 'a folder is in the way of the file',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many symbolic links',
};

/** "EACCES: permission denied" for a file-system error, in words an operator can act on. */
export function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | null)?.code ?? 'unknown error';
  const reason = FS_REASONS[code];
  return reason === undefined ? code : `${code}: ${reason}`;
}

/** A recorded market-data folder that is missing, malformed or does not cover the requested run. */
export class DataFileError extends CoceError {
  override name = 'DataFileError';
  readonly exitCode = 2;
}

/** A pump model that cannot be trained from the data given, or that fails validation and must not be used. */
export class ModelError extends CoceError {
  override name = 'ModelError';
  readonly exitCode = 2;
}

/** A sweep with back-tests that failed (the results are written) or stopped by a signal: not all ran. */
export class SweepError extends CoceError {
  override name = 'SweepError';
  readonly exitCode = 1;
}

/** `coce check` found a decision that depends on later bars or on the warm-up: the report says where. */
export class CheckFailedError extends CoceError {
  override name = 'CheckFailedError';
  readonly exitCode = 1;
}

/**
 * Names of an error's class and its ancestors, nearest first. ccxt's error classes name themselves, so adapters map
 * them by name without importing ccxt (which loads lazily).
 */
export function errorClassNames(err: unknown): string[] {
  const names: string[] = [];
  let proto: unknown = err === null || typeof err !== 'object' ? null : Object.getPrototypeOf(err);
  while (proto !== null && proto !== Object.prototype) {
    const name = (proto as { constructor?: { name?: string } }).constructor?.name;
    if (name) names.push(name);
    proto = Object.getPrototypeOf(proto);
  }
  return names;
}
