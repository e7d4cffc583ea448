/**
 * `npm run fuzz`: the fuzz targets of tests/fuzz/ (config files, state files, recorded market folders, command
 * lines, exchange answers) at FUZZ_SCALE times their CI size (default 10), with a random seed that is printed first.
 *
 *   npm run fuzz                                   # random seed, 10x the CI cases
 *   FUZZ_SEED=123 npm run fuzz                     # the same cases again
 *   FUZZ_SEED=123 FUZZ_PATH="7:1:0" npm run fuzz -- tests/fuzz/state.fuzz.test.ts   # one counterexample, as reported
 *
 * `npm test` runs the same targets with the fixed seed 20261202 at 1x, so CI stays within its time.
 */
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function fuzz(argv: string[]): Promise<number> {
  const seed = process.env.FUZZ_SEED ?? String(Math.floor(Math.random() * 2 ** 31));
  const scale = process.env.FUZZ_SCALE ?? '10';
  const targets = argv.length > 0 ? argv : ['tests/fuzz'];
  process.stdout.write(`fuzz: seed ${seed}, ${scale}x the CI cases, targets ${targets.join(' ')}\nfuzz: replay with FUZZ_SEED=${seed} npm run fuzz${argv.length > 0 ? ` -- ${argv.join(' ')}` : ''}\n`);
  return new Promise((res) => {
    const child = spawn(process.execPath, [join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', ...targets, '--coverage.enabled=false', '--testTimeout=3600000', '--hookTimeout=600000'], {
      cwd: ROOT,
      env: { ...process.env, FUZZ_SEED: seed, FUZZ_SCALE: scale },
      stdio: 'inherit',
    });
    child.on('close', (code) => {
      process.stdout.write(`fuzz: ${code === 0 ? 'passed' : 'FAILED'} (seed ${seed})\n`);
      res(code ?? 1);
    });
  });
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  void fuzz(process.argv.slice(2)).then((code) => process.exit(code));
}
