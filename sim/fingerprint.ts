/**
 * `npm run fingerprint`: proves a speed-up changed no result. Trains the pump model as `coce train` does, runs the
 * standard back-test (180 days, 300 assets, the model on) on seeds 1 and 2 through the real `coce` command, and
 * compares the SHA-256 of state.json and of every log with the figures recorded in sim/fingerprints.json.
 *
 *   npm run fingerprint            compare (exit 1 naming each file that differs)
 *   npm run fingerprint -- --write record the current figures (after a change that AUDIT.md explains)
 *   npm run fingerprint -- --days 30 --seeds 1   a shorter look (compared only if recorded under the same key)
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { arg, runAsScript, runCoce, STANDARD_MICRO_CAPS, standardBacktestFolder } from './script-main.js';

const RECORD = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'sim', 'fingerprints.json');

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** SHA-256 of state.json and each log of a run folder, by path inside it. */
function folderHashes(dir: string): Record<string, string> {
  const out: Record<string, string> = { 'data/state.json': sha(join(dir, 'data', 'state.json')) };
  for (const f of readdirSync(join(dir, 'logs')).sort()) if (f.endsWith('.jsonl')) out[`logs/${f}`] = sha(join(dir, 'logs', f));
  return out;
}


async function fingerprint(argv: string[]): Promise<number> {
  const days = Number(arg(argv, '--days') ?? 180);
  const seeds = (arg(argv, '--seeds') ?? '1,2').split(',').map(Number);
  if (!Number.isInteger(days) || days < 1 || seeds.some((s) => !Number.isInteger(s) || s < 0)) {
    process.stderr.write('usage: npm run fingerprint -- [--write] [--days N] [--seeds 1,2]\n');
    return 2;
  }
  const { cwd, config, model, trainS } = await standardBacktestFolder('coce-fingerprint-');
  process.stdout.write(`model trained in ${trainS!.toFixed(1)} s\n`);
  const now: Record<string, Record<string, string>> = {};
  for (const seed of seeds) {
    const key = `seed ${seed}, ${days} days, ${STANDARD_MICRO_CAPS + 2} assets, model on`;
    const out = join(cwd, `s${seed}`);
    const t0 = performance.now();
    await runCoce(['backtest', '--days', String(days), '--seed', String(seed), '--config', config, '--out', out], cwd);
    now[key] = { model: sha(model), ...folderHashes(out) };
    process.stdout.write(`${key}: back-test in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
  }
  const recorded = existsSync(RECORD) ? (JSON.parse(readFileSync(RECORD, 'utf8')) as Record<string, Record<string, string>>) : {};
  if (argv.includes('--write')) {
    writeFileSync(RECORD, `${JSON.stringify({ ...recorded, ...now }, null, 2)}\n`);
    process.stdout.write(`recorded in ${RECORD}\n`);
    return 0;
  }
  let differ = 0;
  for (const [key, files] of Object.entries(now)) {
    const want = recorded[key];
    if (want === undefined) {
      process.stdout.write(`${key}: nothing recorded (npm run fingerprint -- --write)\n`);
      differ++;
      continue;
    }
    for (const f of new Set([...Object.keys(want), ...Object.keys(files)])) {
      if (want[f] !== files[f]) {
        differ++;
        process.stdout.write(`${key}: ${f} DIFFERS (${(want[f] ?? 'absent').slice(0, 12)} recorded, ${(files[f] ?? 'absent').slice(0, 12)} now)\n`);
      }
    }
    if (Object.keys(want).every((f) => want[f] === files[f])) process.stdout.write(`${key}: state.json and ${Object.keys(files).length - 2} logs byte-identical to the record\n`);
  }
  return differ === 0 ? 0 : 1;
}

runAsScript(import.meta.url, 'fingerprint', fingerprint);
