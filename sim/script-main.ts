import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The value after `--name` on a script's command line, if any. */
export function arg(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

/**
 * Runs `main` when `moduleUrl` is the file node was started with (not when imported): exits with its code, or with 1
 * and `name: message` when it throws.
 */
export function runAsScript(moduleUrl: string, name: string, main: (argv: string[]) => Promise<number>): void {
  if (process.argv[1] === undefined || fileURLToPath(moduleUrl) !== resolve(process.argv[1])) return;
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`${name}: ${(err as Error).message}\n`);
      process.exit(1);
    },
  );
}

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(ROOT, 'bin', 'coce.js');
/** Micro-caps of the standard back-test (plus BTC and ETH: 300 assets). */
export const STANDARD_MICRO_CAPS = 298;

/** Runs the real `coce` (compiled dist/) in `cwd`; `nodeArgs` go to node (a profiler, say). Rejects on a non-zero exit. */
export function runCoce(args: string[], cwd: string, nodeArgs: string[] = []): Promise<void> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [...nodeArgs, BIN, ...args], { cwd, env: { PATH: process.env.PATH, LOG_LEVEL: 'error' }, stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('close', (code) => (code === 0 ? res() : rej(new Error(`coce ${args.join(' ')} exited ${code}`))));
  });
}

/**
 * A fresh folder for the standard back-test: the base config at 300 assets, and data/model.json, copied from
 * `modelFile` or trained as `coce train` does by default (base config, 80 micro-caps).
 */
export async function standardBacktestFolder(prefix: string, modelFile?: string): Promise<{ cwd: string; config: string; model: string; trainS: number | null }> {
  const cwd = mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(join(cwd, 'data'));
  const config = join(cwd, 'standard.yaml');
  writeFileSync(config, readFileSync(join(ROOT, 'config', 'base.yaml'), 'utf8').replace(/micro_caps: \d+/, `micro_caps: ${STANDARD_MICRO_CAPS}`));
  const model = join(cwd, 'data', 'model.json');
  if (modelFile !== undefined) {
    copyFileSync(resolve(modelFile), model);
    return { cwd, config, model, trainS: null };
  }
  const t0 = performance.now();
  await runCoce(['train', '--out', model], cwd);
  return { cwd, config, model, trainS: (performance.now() - t0) / 1000 };
}
