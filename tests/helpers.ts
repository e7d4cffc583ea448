import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliIo } from '../src/cli.js';
import { loadConfig, type Config } from '../src/utils/config.js';
import { createLogger, type Logger } from '../src/utils/logger.js';
import { SecretScrubber } from '../src/utils/secret-scrubber.js';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
export const BASE_YAML = join(REPO, 'config', 'base.yaml');
export const SLEEVE_YAML = join(REPO, 'config', 'sleeve.yaml');
export const BIN = join(REPO, 'bin', 'coce.js');
/** The real market data beside the checkout (../shared/data/real: read from there, never copied in). */
export const REAL_DATA = process.env.COCE_REAL_DATA ?? join(REPO, '..', 'shared', 'data', 'real');

export const tmp = (prefix = 'coce-test-'): string => mkdtempSync(join(tmpdir(), prefix));

export const baseConfig = (): Config => loadConfig(BASE_YAML, SLEEVE_YAML).cfg;

export const readText = (file: string): string => readFileSync(file, 'utf8');

/** A logger whose JSON lines are collected in `lines`. */
export function memoryLogger(secrets: string[] = []): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const log = createLogger({
    level: 'trace',
    pretty: false,
    scrubber: new SecretScrubber(secrets),
    out: { write: (s: string) => lines.push(s) },
  });
  return { log, lines };
}

/** CLI I/O captured in memory, with an empty environment unless given. */
export function memoryIo(cwd: string, env: NodeJS.ProcessEnv = {}): CliIo & { out: () => string; err: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    env,
    cwd,
    stdout: { write: (s: string) => out.push(s), isTTY: false },
    stderr: { write: (s: string) => err.push(s) },
    out: () => out.join(''),
    err: () => err.join(''),
  };
}

/**
 * A config file for testnet/live tests that can never reach the internet: every source points at a closed port on
 * 127.0.0.1 and nothing is retried, so start-up fails fast with a network error after the key checks.
 */
export function offlineConfig(dir: string): string {
  const file = join(dir, 'offline.yaml');
  writeFileSync(
    file,
    readFileSync(BASE_YAML, 'utf8')
      .replace('exchange_api_url: null', 'exchange_api_url: http://127.0.0.1:1/api/v3')
      .replace('deribit_api_url: null', 'deribit_api_url: http://127.0.0.1:1')
      .replace(/coingecko_base_url: \S+/, 'coingecko_base_url: http://127.0.0.1:1/cg')
      .replace(/twitter_base_url: \S+/, 'twitter_base_url: http://127.0.0.1:1/tw')
      .replace(/max_retries: 3 /, 'max_retries: 0 '),
  );
  return file;
}

/** Every file under `dir` (relative path -> bytes as text): to prove a refused run changed nothing. */
export function treeSnapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(dir)) return out;
  const walk = (sub: string) => {
    for (const e of readdirSync(join(dir, sub), { withFileTypes: true })) {
      const rel = sub === '' ? e.name : join(sub, e.name);
      if (e.isDirectory()) walk(rel);
      else out[rel] = readFileSync(join(dir, rel)).toString('latin1');
    }
  };
  walk('');
  return out;
}
