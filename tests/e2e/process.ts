import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, REPO, tmp } from '../helpers.js';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface Spawned {
  pid: number;
  /** stdout received so far (the run is still going). */
  stdoutSoFar(): string;
  kill(signal: NodeJS.Signals): void;
  done: Promise<Exit>;
}

/** Start the real `coce` command (compiled dist/, as an operator runs it). */
export function spawnCoce(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Spawned {
  if (!existsSync(join(REPO, 'dist', 'src', 'cli-process.js'))) throw new Error('dist/ is missing: run npm run build');
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, ...args], {
    // a working folder of its own: what the checkout holds (a trained data/model.json, .env) must not change a test
    cwd: opts.cwd ?? tmp('coce-cwd-'),
    env: { PATH: process.env.PATH, LOG_LEVEL: 'warn', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<Exit>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, ms: performance.now() - started })),
  );
  return {
    pid: child.pid!,
    stdoutSoFar: () => stdout,
    kill: (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
    done,
  };
}

/** state.json and every log of a run folder, for byte-for-byte comparison. */
export function runFiles(dir: string): Record<string, string> {
  const out: Record<string, string> = { 'data/state.json': readFileSync(join(dir, 'data', 'state.json'), 'utf8') };
  for (const f of readdirSync(join(dir, 'logs')).sort()) out[`logs/${f}`] = readFileSync(join(dir, 'logs', f), 'utf8');
  return out;
}

export const dirArgs = (dir: string) => ['--state-dir', join(dir, 'data'), '--log-dir', join(dir, 'logs')];
