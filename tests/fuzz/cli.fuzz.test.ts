/**
 * Fuzz target: command lines. Every command with options drawn from good and bad values (numbers out of range or
 * not numbers, paths that are missing, files where folders belong, folders where files belong, empty strings),
 * unknown options and stray words, in a working folder that holds a finished run, a model file and a recorded
 * market. The exit code is 0 or 2, a refusal says what is wrong, and no file that was there before changes unless the
 * command's job is to write it (a run's own state and logs, a resume's, a new model).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { BASE_YAML, offlineConfig, tmp, treeSnapshot } from '../helpers.js';
import { coce, expectClean, fuzzTimeout, expectUnchanged, fuzzParams, SECRETS } from './fuzz-harness.js';

let cwd = '';
beforeAll(async () => {
  cwd = tmp();
  writeFileSync(join(cwd, 'tiny.yaml'), readFileSync(BASE_YAML, 'utf8').replace(/micro_caps: 80 /, 'micro_caps: 6 ').replace(/warmup_days: \d+/, 'warmup_days: 3'));
  offlineConfig(cwd); // offline.yaml: every source on a closed loopback port, for the exchange modes
  expect((await coce(['run', '--days', '1', '--config', 'tiny.yaml'], cwd)).code).toBe(0);
  expect((await coce(['data', 'generate', '--days', '1', '--seed', '2', '--config', 'tiny.yaml', '--out', 'mkt'], cwd)).code).toBe(0);
  mkdirSync(join(cwd, 'empty-dir'));
  writeFileSync(join(cwd, 'a-file.txt'), 'not a folder\n');
  writeFileSync(join(cwd, 'garbage.json'), '{"format":"coce-pump-model/1"');
}, 60_000);

const path = fc.constantFrom('data', 'logs', 'mkt', 'empty-dir', 'a-file.txt', 'garbage.json', 'missing/deeper', '', '.', '/proc/1/nope', 'tiny.yaml', 'out-new', SECRETS.TWITTER_BEARER);
const count = fc.constantFrom('0', '1', '2', '-1', '1.5', 'x', '', '1e3', '3651', '99999999999999999999', ' 1', '0x2', 'NaN');
const seed = fc.constantFrom('0', '1', '2', '5', '-1', '4294967296', 'abc', '');
const word = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('--', '-x', '--nope', '--help', '-V', '--days=1', '--mode=sim'));

/** Options per command: [flag, values]; the values mix good and bad ones. */
const OPTIONS: Record<string, [string, fc.Arbitrary<string> | null][]> = {
  run: [
    ['--mode', fc.constantFrom('sim', 'backtest', 'testnet', 'live', 'paper', '')],
    ['--days', fc.constantFrom('1', '2', '0', '-3', 'x', '3651')],
    ['--cycles', fc.constantFrom('1', '3', '0', 'x')],
    ['--seed', seed],
    ['--speed', fc.constantFrom('0', '-1', 'fast', '1e9')],
    ['--sleeve', fc.constantFrom('core', 'convex', 'all', 'none')],
    ['--state-dir', path],
    ['--log-dir', path],
    ['--data', path],
    ['--config', fc.constantFrom('tiny.yaml', 'missing.yaml', 'a-file.txt', 'empty-dir', 'garbage.json')],
    ['--health-port', fc.constantFrom('0', '-1', '70000', 'x')],
    ['--restore-backup', null],
    ['--confirm-live', null],
  ],
  backtest: [
    ['--days', fc.constantFrom('1', '0', 'x', '3651')],
    ['--seed', seed],
    ['--data', path],
    ['--out', path],
    ['--config', fc.constantFrom('tiny.yaml', 'missing.yaml', 'a-file.txt')],
    ['--sleeve', fc.constantFrom('core', 'all', 'x')],
  ],
  status: [
    ['--state-dir', path],
    ['--json', null],
  ],
  report: [
    ['--since', fc.constantFrom('7d', '36h', 'all', '0d', '-1d', 'week', '')],
    ['--out', path],
    ['--state-dir', path],
    ['--log-dir', path],
  ],
  resume: [
    ['--reason', fc.constantFrom('checked the book', 'ok', '', '   ', SECRETS.TWITTER_BEARER)],
    ['--state-dir', path],
    ['--log-dir', path],
  ],
  'validate-config': [['--sleeve-config', fc.constantFrom('missing.yaml', 'tiny.yaml', 'a-file.txt')], ['--no-sleeve-config', null]],
  'data generate': [
    ['--out', path],
    ['--days', count],
    ['--seed', seed],
    ['--config', fc.constantFrom('tiny.yaml', 'missing.yaml')],
  ],
  train: [
    ['--days', fc.constantFrom('10', '0', '9', 'x', '3651')],
    ['--seed', seed],
    ['--out', path],
    ['--config', fc.constantFrom('tiny.yaml', 'missing.yaml')],
  ],
  eval: [
    ['--model', path],
    ['--days', fc.constantFrom('10', '0', 'x')],
    ['--seed', seed],
    ['--json', path],
    ['--config', fc.constantFrom('tiny.yaml', 'missing.yaml')],
  ],
};

const commandLine = fc
  .constantFrom(...Object.keys(OPTIONS), 'nope', '')
  .chain((cmd) => {
    const opts = OPTIONS[cmd] ?? [];
    const option = opts.length === 0 ? fc.constant<string[]>([]) : fc.nat(opts.length - 1).chain((i) => {
      const [flag, values] = opts[i]!;
      return values === null ? fc.constant<string[]>([flag]) : values.map((v): string[] => [flag, v]);
    });
    return fc.tuple(fc.constant(cmd), fc.array(option, { maxLength: 5 }), fc.array(word, { maxLength: 1 }), fc.nat(9));
  })
  .map(([cmd, opts, stray, strayAt]): string[] => {
    const args = [...(cmd === '' ? [] : cmd.split(' ')), ...opts.flat()];
    // a run may never reach a real exchange: testnet/live always take the offline config, given last (it wins)
    if (cmd === 'run' && args.some((a) => a === 'testnet' || a === 'live')) args.push('--config', 'offline.yaml');
    // a run may not take long: at most two simulated days unless it stops on its own
    if ((cmd === 'run' || cmd === 'backtest') && !args.includes('--cycles')) args.push('--days', '1');
    if (stray.length > 0 && strayAt < 3) args.splice(Math.min(args.length, 1 + strayAt), 0, ...stray);
    return args;
  });

/**
 * Files a command may legitimately change when it succeeds (relative to the working folder): a run's or a resume's
 * own state and logs; an earlier report, evaluation or model where the command writes one.
 */
function mayWrite(args: string[], before: Record<string, string>): (rel: string) => boolean {
  const cmd = args[0];
  if (cmd === 'run' || cmd === 'resume') return (rel) => /(^|\/)(state\.json(\.bak|\.tmp|\.replaced(\.\d+)?)?|[a-z_]+\.jsonl|orders\.journal\.jsonl)$/.test(rel);
  if (cmd === 'report') return (rel) => before[rel]!.startsWith('<!doctype html>');
  if (cmd === 'eval') return (rel) => before[rel]!.includes('"baselines"');
  if (cmd === 'train') return (rel) => before[rel]!.includes('coce-pump-model/');
  return () => false;
}

describe('fuzz: command lines', () => {
  it('any command, good and bad options: exit 0 or 2 with a message, no stack, nothing changed that was not asked for', async () => {
    const seen = { ok: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(commandLine, async (args) => {
        const before = treeSnapshot(cwd);
        const o = await coce(args, cwd);
        // a refusal says something (commander's own errors name the option or command)
        expectClean(o, /\S/);
        if (o.code === 0) seen.ok++;
        else seen.refused++;
        expectUnchanged(before, cwd, o.code === 0 ? mayWrite(args, before) : () => false);
      }),
      fuzzParams(60),
    );
    if (process.env.FUZZ_SCALE) console.log(`cli fuzz: ${seen.ok} ok, ${seen.refused} refused`);
    expect(seen.refused).toBeGreaterThan(0);
    expect(seen.ok).toBeGreaterThan(0);
  }, fuzzTimeout(300_000));
});
