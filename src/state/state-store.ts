import { closeSync, existsSync, fsyncSync, linkSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeFsError, StateError, StateInvariantError } from '../utils/errors.js';
import { ensureWritableDir } from './writable-dir.js';
import { engineStateSchema, STATE_VERSION, type EngineState } from './schema.js';

/** Where the engine keeps its state between cycles and across restarts. */
export interface StateStore {
  readonly path: string;
  /** The saved state, or null when none was saved yet. Throws StateError on a corrupt or invalid file. */
  load(): EngineState | null;
  save(state: EngineState): void;
  /** The backup (state.json.bak), validated; no file is touched. Throws StateError when missing or invalid. */
  readBackup(): EngineState;
  /** Keep the current state.json aside as state.json.replaced (never deleted) and put the backup in its place. */
  restoreBackup(): EngineState;
}

function writeFileDurably(file: string, text: string, durable = true): void {
  const fd = openSync(file, 'w');
  try {
    writeFileSync(fd, text); // loops until every byte is written; throws ENOSPC instead of leaving a torn file
    if (durable) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Parse and validate a state file's text; `label` names the file in messages. */
export function parseState(text: string, label: string): EngineState {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new StateError(`${label} is not valid JSON (${(err as Error).message})`, { file: label });
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new StateError(`${label} is not a state object (it holds ${Array.isArray(raw) ? 'an array' : String(raw)})`, { file: label });
  }
  const version = (raw as { version?: unknown }).version;
  if (version !== STATE_VERSION) {
    throw new StateError(`${label} has version ${String(version)}; this build reads version ${STATE_VERSION}`, {
      file: label,
      version,
    });
  }
  const parsed = engineStateSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.slice(0, 10).map((i) => `  - ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new StateError(`${label} does not match the state schema:\n${lines.join('\n')}`, { file: label });
  }
  return parsed.data;
}

/**
 * state.json on disk. A save is atomic: the new state goes to a temp file that is fsynced, the current file is
 * hard-linked to state.json.bak, then the temp file is renamed over state.json and the folder fsynced. At every
 * instant state.json is either the old or the new complete file.
 *
 * `durable: false` (back-tests) skips the two fsyncs: the rename still makes every save atomic against a process
 * crash, and a power cut only costs cycles that a rerun recomputes. It makes a 180-day back-test ~1 s faster.
 */
export class FileStateStore implements StateStore {
  readonly path: string;
  readonly backupPath: string;
  private readonly tmpPath: string;

  constructor(
    readonly dir: string,
    private readonly durable = true,
  ) {
    this.path = join(dir, 'state.json');
    this.backupPath = join(dir, 'state.json.bak');
    this.tmpPath = join(dir, 'state.json.tmp');
  }

  /** Create the folder and prove it can be written, before any cycle runs. */
  ensureWritable(): void {
    ensureWritableDir(this.dir, 'state folder');
  }

  load(): EngineState | null {
    if (!existsSync(this.path)) {
      if (existsSync(this.backupPath)) {
        throw new StateError(
          `${this.path} is missing but ${this.backupPath} exists, so a run was here. ${this.backupHint()} To start a new run instead, move the backup away.`,
          { file: this.path },
        );
      }
      return null;
    }
    try {
      let text: string;
      try {
        text = readFileSync(this.path, 'utf8');
      } catch (err) {
        throw new StateError(`${this.path} cannot be read (${describeFsError(err)})`, { file: this.path });
      }
      return parseState(text, this.path);
    } catch (err) {
      if (!(err instanceof StateError)) throw err;
      throw new StateError(`${err.message}\nThe file was left untouched. ${this.backupHint()}`, err.context);
    }
  }

  private backupHint(): string {
    if (!existsSync(this.backupPath)) return 'There is no backup; move the file away to start a new run.';
    try {
      const bak = parseState(readFileSync(this.backupPath, 'utf8'), this.backupPath);
      return `Start from ${this.backupPath} (last completed cycle ${bak.lastCompletedCycle}) with --restore-backup.`;
    } catch {
      return `The backup ${this.backupPath} is not usable either; move both away to start a new run.`;
    }
  }

  /** The backup state, parsed and validated, without touching any file (a run checks it before it restores it). */
  readBackup(): EngineState {
    if (!existsSync(this.backupPath)) throw new StateError(`no backup to restore: ${this.backupPath} does not exist`);
    return parseState(readFileSync(this.backupPath, 'utf8'), this.backupPath);
  }

  restoreBackup(): EngineState {
    const state = this.readBackup();
    const text = readFileSync(this.backupPath, 'utf8');
    // Order matters: at every instant either the old state.json or the restored one is in place, and the old one
    // is kept (hard-linked aside) before it is replaced.
    writeFileDurably(this.tmpPath, text);
    if (existsSync(this.path)) {
      let n = 0;
      const aside = () => `${this.path}.replaced${n === 0 ? '' : `.${n}`}`;
      while (existsSync(aside())) n++;
      linkSync(this.path, aside());
    }
    renameSync(this.tmpPath, this.path);
    fsyncDir(this.dir);
    return state;
  }

  /**
   * Equity points this store has validated: points are never changed once made (steps append and drop them), and the
   * curve's one rule across fields (no point after the last completed cycle) only loosens as cycles complete, so a
   * point checked once stays valid. Checking the up to 1 000 points at every save was most of its schema check.
   */
  private readonly checkedPoints = new WeakSet<object>();

  save(state: EngineState): void {
    // never write a state that would not load again: the daemon could not restart on it
    const curve = state.equityCurve;
    let from = 0;
    while (from < curve.length && this.checkedPoints.has(curve[from]!)) from++;
    const checked = engineStateSchema.safeParse(from === 0 ? state : { ...state, equityCurve: curve.slice(from) });
    if (!checked.success) {
      const at = (path: PropertyKey[]) => (path[0] === 'equityCurve' && typeof path[1] === 'number' ? ['equityCurve', path[1] + from, ...path.slice(2)] : path);
      const lines = checked.error.issues.slice(0, 5).map((i) => `  - ${at(i.path).map(String).join('.') || '(root)'}: ${i.message}`);
      throw new StateInvariantError(`the cycle produced a state that breaks the state schema (a bug, or an input no check caught); ${this.path} keeps the last good cycle:\n${lines.join('\n')}`, { file: this.path });
    }
    for (let i = from; i < curve.length; i++) this.checkedPoints.add(curve[i]!);
    writeFileDurably(this.tmpPath, JSON.stringify(state) + '\n', this.durable);
    if (existsSync(this.path)) {
      const bakTmp = `${this.backupPath}.tmp`;
      rmSync(bakTmp, { force: true });
      linkSync(this.path, bakTmp);
      renameSync(bakTmp, this.backupPath);
    }
    renameSync(this.tmpPath, this.path);
    if (this.durable) fsyncDir(this.dir);
  }
}
