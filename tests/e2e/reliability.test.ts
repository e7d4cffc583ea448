/**
 * Regression tests for the reliability findings of issue 13, one per numbered case: each failed before its fix.
 * Runs go through the CLI in-process (`main`), in folders of their own.
 */
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { readJsonlLog } from '../../src/state/jsonl-log.js';
import { BASE_YAML, memoryIo, tmp, treeSnapshot } from '../helpers.js';

const run = async (cwd: string, args: string[]) => {
  const io = memoryIo(cwd, { LOG_LEVEL: 'warn' });
  const code = await main(['run', '--mode', 'sim', '--seed', '3', ...args], io);
  return { code, err: io.err(), out: io.out() };
};

describe('1. a state and logs that do not belong together', () => {
  it('stop the run with exit 2 and touch nothing; the right pair resumes', async () => {
    const cwd = tmp();
    const X = join(cwd, 'X');
    expect((await run(cwd, ['--days', '3', '--state-dir', 'X/d', '--log-dir', 'X/l'])).code).toBe(0);
    const saved = treeSnapshot(X);
    // the log folder forgotten: the default logs/ is not this state's
    const forgot = await run(cwd, ['--days', '4', '--state-dir', 'X/d']);
    expect(forgot.code).toBe(2);
    expect(forgot.err).toMatch(new RegExp(`^coce: ${join(cwd, 'logs')}/(equity|meta_events|trades)\\.jsonl holds 0 bytes, but ${join(X, 'd', 'state.json')} was saved when it held \\d+: these are not that run's logs`));
    expect(forgot.err).toContain('Nothing was changed.');
    expect(treeSnapshot(X)).toEqual(saved);
    expect(treeSnapshot(join(cwd, 'logs'))).toEqual({});
    // another run's logs (seed 4), longer than this state's: refused by their fingerprint, not cut. (A copy of this
    // very run is byte-identical up to the state's length, so its later lines would be cut and written again alike.)
    const io = memoryIo(cwd, { LOG_LEVEL: 'warn' });
    expect(await main(['run', '--mode', 'sim', '--seed', '4', '--days', '4', '--state-dir', 'Y/d', '--log-dir', 'Y/l'], io)).toBe(0);
    const other = treeSnapshot(join(cwd, 'Y'));
    const mixed = await run(cwd, ['--days', '5', '--state-dir', 'X/d', '--log-dir', 'Y/l']);
    expect(mixed.code).toBe(2);
    // refused by the fingerprint of a log's end, or (a log this state recorded empty) by its lines' cycles
    expect(mixed.err).toMatch(/Y\/l\/(equity|meta_events|trades)\.jsonl (does not end where .*X\/d\/state\.json recorded \(at byte \d+\): it holds another run's lines|has \d+ bytes after the 0 that .*X\/d\/state\.json recorded, and they are not lines of a cycle after its last completed cycle)/);
    expect(treeSnapshot(join(cwd, 'Y'))).toEqual(other);
    expect(treeSnapshot(X)).toEqual(saved);
    // lines after the recorded length that are not a later cycle's are not a crashed cycle: refused too
    appendFileSync(join(X, 'l', 'meta_events.jsonl'), '{"ts":"2026-01-01T00:00:00.000Z","type":"note","cycle":1}\n');
    const edited = await run(cwd, ['--days', '5', '--state-dir', 'X/d', '--log-dir', 'X/l']);
    expect(edited.code).toBe(2);
    expect(edited.err).toContain('they are not lines of a cycle after its last completed cycle 490967');
    // the run's own pair carries on, its history kept
    const before = readFileSync(join(X, 'l', 'equity.jsonl'), 'utf8');
    const lines = readFileSync(join(X, 'l', 'meta_events.jsonl'), 'utf8').split('\n');
    writeFileSync(join(X, 'l', 'meta_events.jsonl'), lines.slice(0, -2).join('\n') + '\n');
    expect((await run(cwd, ['--days', '5', '--state-dir', 'X/d', '--log-dir', 'X/l'])).code).toBe(0);
    const after = readFileSync(join(X, 'l', 'equity.jsonl'), 'utf8');
    expect(after.startsWith(before)).toBe(true);
    expect(after.split('\n').filter(Boolean)).toHaveLength(5 * 24);
  });
});

describe('3 and 7. recorded data that cannot be replayed as it is', () => {
  it('an empty or header-only bars.csv, a duplicate or an out-of-order row: exit 2 naming file and line, no state written', async () => {
    const cwd = tmp();
    expect(await main(['data', 'generate', '--days', '1', '--seed', '3', '--out', 'mkt'], memoryIo(cwd))).toBe(0);
    const barsFile = join(cwd, 'mkt', 'bars.csv');
    const good = readFileSync(barsFile, 'utf8');
    const lines = good.split('\n');
    const cases: [string, string][] = [
      ['', `${barsFile} is empty: it must start with the header "cycle,symbol,open_ms,open,high,low,close,volume_base,volume_quote"`],
      [lines[0]! + '\n', `${barsFile} holds no bars: the folder has nothing to replay`],
      [[lines[0], lines[1], lines[1], ...lines.slice(2)].join('\n'), `${barsFile}:3: a second row for BTC at cycle 490176 (the first is line 2): duplicates are not merged`],
      [[lines[0], lines[83], ...lines.slice(1, 83), ...lines.slice(84)].join('\n'), `${barsFile}:3: a row of cycle 490176 after one of cycle 490177: rows must be in cycle order`],
      [[lines[0], lines[1]!.replace(',BTC,', ',XYZ,'), ...lines.slice(2)].join('\n'), `${barsFile}:2: symbol "XYZ" is not one of meta.json's symbols`],
    ];
    for (const [text, message] of cases) {
      writeFileSync(barsFile, text);
      const r = await run(cwd, ['--data', 'mkt', '--days', '1', '--state-dir', 'd', '--log-dir', 'l']);
      expect(r.code).toBe(2);
      expect(r.err).toContain(message);
      expect(treeSnapshot(join(cwd, 'd'))).toEqual({});
      expect(treeSnapshot(join(cwd, 'l'))).toEqual({});
    }
    writeFileSync(barsFile, good);
    expect((await run(cwd, ['--data', 'mkt', '--days', '1', '--state-dir', 'd', '--log-dir', 'l'])).code).toBe(0);
  });

  it('a universe that nothing passes is said once, with the reasons, and trades nothing', async () => {
    const cwd = tmp();
    writeFileSync(join(cwd, 'strict.yaml'), readFileSync(BASE_YAML, 'utf8').replace(/min_adv_usd: \S+/, 'min_adv_usd: 1000000000000'));
    const io = memoryIo(cwd, { LOG_LEVEL: 'warn' });
    expect(await main(['run', '--days', '2', '--config', 'strict.yaml'], io)).toBe(0);
    const empty = readJsonlLog(join(cwd, 'logs', 'meta_events.jsonl')).filter((e) => e.type === 'universe_empty');
    expect(empty).toEqual([{ ts: '2026-01-01T01:00:00.000Z', type: 'universe_empty', cycle: 490896, candidates: 80, excludedByRule: { 'universe.min_adv_usd': 66, 'universe.min_market_cap_usd': 10, 'universe.max_market_cap_usd': 4 } }]);
    expect(io.out()).toContain('COCE universe is empty at cycle 490896: no micro-cap passes the filters (66 by universe.min_adv_usd; 10 by universe.min_market_cap_usd; 4 by universe.max_market_cap_usd); nothing is traded');
    expect(io.out().match(/universe is empty/g)).toHaveLength(1);
  });
});

describe('4. a model that cannot pass validation', () => {
  it('is refused with exit 2 and never replaces the model in use', async () => {
    const cwd = tmp();
    mkdirSync(join(cwd, 'data'));
    const inUse = '{"format": "coce-pump-model/1", "the model in use": true}\n';
    writeFileSync(join(cwd, 'data', 'model.json'), inUse);
    const io = memoryIo(cwd, { LOG_LEVEL: 'warn' });
    // seed 2's first 10 days put no pump in the validation window
    expect(await main(['train', '--days', '10', '--seed', '2'], io)).toBe(2);
    expect(io.err()).toBe(
      `coce: the model trained on seed 2, 10 days does not pass validation, so ${join(cwd, 'data', 'model.json')} was not written (the model there is kept):\n` +
        '  - 0 pumps start in the validation window (0 positive rows); at least 5 are needed to judge the model (alpha.classifier.min_validation_pumps): train on more days\n' +
        '  - validation ROC-AUC is undefined (no positive or no negative rows in the validation window)\n' +
        // with no pump every threshold has F1 0: the highest score (the fewest alarms) is kept
        '  - no alarm threshold catches a pump on validation (threshold 0.6538949383244956, F1 0.0 %)\n',
    );
    expect(treeSnapshot(join(cwd, 'data'))).toEqual({ 'model.json': inUse });
  });
});

describe('5. input the operator can fix is exit 2 with a message, never 1 with a stack', () => {
  it('a YAML file whose aliases expand exponentially, a report into a missing folder, data generate onto a file', async () => {
    const cwd = tmp();
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (const [i, k] of ['b', 'c', 'd', 'e', 'f', 'g'].entries()) levels.push(`${k}: &${k} [${Array(9).fill(`*${'abcdefg'[i]}`).join(',')}]`);
    writeFileSync(join(cwd, 'bomb.yaml'), levels.join('\n') + '\n');
    const bomb = memoryIo(cwd);
    expect(await main(['validate-config', 'bomb.yaml'], bomb)).toBe(2);
    expect(bomb.err()).toBe(`coce: invalid config ${join(cwd, 'bomb.yaml')}:\n  - (root): YAML: Excessive alias count indicates a resource exhaustion attack\n`);

    expect((await run(cwd, ['--days', '1'])).code).toBe(0);
    const report = memoryIo(cwd);
    expect(await main(['report', '--out', 'nope/review.html'], report)).toBe(2);
    expect(report.err()).toBe(`coce: report ${join(cwd, 'nope', 'review.html')} cannot be written (ENOENT: no such file or folder)\n`);

    writeFileSync(join(cwd, 'afile'), 'kept\n');
    const gen = memoryIo(cwd);
    expect(await main(['data', 'generate', '--days', '1', '--out', 'afile'], gen)).toBe(2);
    expect(gen.err()).toBe(`coce: ${join(cwd, 'afile')} is a file, not a folder; choose a new --out folder (nothing was overwritten)\n`);
    expect(readFileSync(join(cwd, 'afile'), 'utf8')).toBe('kept\n');
    for (const io of [bomb, report, gen]) expect(io.err()).not.toContain('    at ');
  });
});

describe('6. ranges belong in the schemas', () => {
  it('a state with negative or absurd cash, and a config past any sensible range, stop with exit 2 naming the key', async () => {
    const cwd = tmp();
    expect((await run(cwd, ['--days', '1'])).code).toBe(0);
    const file = join(cwd, 'data', 'state.json');
    const good = readFileSync(file, 'utf8');
    for (const [cash, rule] of [['-1000000000000', 'must be from -1 to 10000000000000 USD'], ['1e300', 'must be from -1 to 10000000000000 USD']] as const) {
      writeFileSync(file, good.replace(/"cashUsd":[^,]+,/, `"cashUsd":${cash},`));
      const edited = readFileSync(file, 'utf8');
      for (const cmd of [['run', '--days', '2'], ['status'], ['report']]) {
        const io = memoryIo(cwd, { LOG_LEVEL: 'warn' });
        expect(await main(cmd, io)).toBe(2);
        expect(io.err()).toContain(`${file} does not match the state schema:\n  - cashUsd: ${rule}`);
        expect(io.out()).not.toContain('Infinity');
        expect(readFileSync(file, 'utf8')).toBe(edited);
      }
    }
    writeFileSync(file, good);
    writeFileSync(join(cwd, 'huge.yaml'), readFileSync(BASE_YAML, 'utf8').replace(/max_assets: \d+/, 'max_assets: 99999999999').replace(/initial_cash_usd: \S+/, 'initial_cash_usd: 1e300'));
    const cfg = memoryIo(cwd);
    expect(await main(['validate-config', 'huge.yaml'], cfg)).toBe(2);
    expect(cfg.err()).toContain('  - sim.initial_cash_usd: Too big: expected number to be <=10000000000000 (got 1e+300)\n');
    expect(cfg.err()).toContain('  - universe.max_assets: Too big: expected number to be <=5000 (got 99999999999)\n');
    const days = memoryIo(cwd);
    expect(await main(['run', '--days', '99999999999'], days)).toBe(2);
    expect(days.err()).toContain('--days must be a whole number from 1 to 3650, got "99999999999"');
  });
});

describe('8. small things an operator trips over', () => {
  it('resume states its rule for the reason', async () => {
    const cwd = tmp();
    const io = memoryIo(cwd);
    expect(await main(['resume', '--reason', 'ok'], io)).toBe(2);
    expect(io.err()).toBe('coce: --reason must say why trading may start again in at least 3 characters (got "ok"); it is kept in meta_events.jsonl\n');
  });

  it('says where it looked for the model, and a model the config names must exist', async () => {
    const cwd = tmp();
    const info = memoryIo(cwd, { LOG_LEVEL: 'info' });
    expect(await main(['run', '--mode', 'sim', '--seed', '3', '--days', '1'], info)).toBe(0);
    const r = { out: info.out() + info.err() };
    expect(r.out).toContain('pump model: the one shipped with coce (trained on the embedded market); `coce train` writes ' + join(cwd, 'data', 'model.json') + ', used from then on');
    writeFileSync(join(cwd, 'named.yaml'), readFileSync(BASE_YAML, 'utf8').replace('model_path: null', 'model_path: models/pump.json'));
    const named = await run(cwd, ['--days', '1', '--config', 'named.yaml', '--state-dir', 'n/d', '--log-dir', 'n/l']);
    expect(named.code).toBe(2);
    expect(named.err).toBe(`coce: alpha.model_path names ${join(cwd, 'models', 'pump.json')}, which does not exist: train it with \`coce train --out ${join(cwd, 'models', 'pump.json')}\`, or set alpha.model_path: null to use data/model.json (written by coce train) or the model shipped with coce\n`);
    expect(treeSnapshot(join(cwd, 'n'))).toEqual({});
  });

  it('a busy --health-port stops the start with exit 2 and leaves no new state behind', async () => {
    const cwd = tmp();
    const busy = createServer();
    await new Promise<void>((res) => busy.listen(0, '127.0.0.1', res));
    const port = (busy.address() as AddressInfo).port;
    try {
      const r = await run(cwd, ['--days', '1', '--health-port', String(port)]);
      expect(r.code).toBe(2);
      expect(r.err).toBe(`coce: health port 127.0.0.1:${port} cannot be used (EADDRINUSE): choose another --health-port or notify.health.port\n`);
      expect(treeSnapshot(join(cwd, 'data'))).toEqual({});
      expect(treeSnapshot(join(cwd, 'logs'))).toEqual({});
    } finally {
      busy.close();
    }
  });
});

describe('found by the fuzz harness', () => {
  it('--restore-backup with a backup that the run then refuses leaves state.json where it was', async () => {
    const cwd = tmp();
    expect((await run(cwd, ['--days', '1'])).code).toBe(0);
    expect(await main(['data', 'generate', '--days', '1', '--seed', '9', '--out', 'mkt'], memoryIo(cwd))).toBe(0);
    const before = treeSnapshot(join(cwd, 'data'));
    const io = memoryIo(cwd);
    expect(await main(['run', '--restore-backup', '--data', 'mkt', '--days', '1'], io)).toBe(2);
    expect(io.err()).toContain('belongs to another run: seed 3 (this run: 9)');
    expect(treeSnapshot(join(cwd, 'data'))).toEqual(before);
  });

  it('report, eval --json and train --out replace only a file of their own kind', async () => {
    const cwd = tmp();
    expect((await run(cwd, ['--days', '1'])).code).toBe(0);
    writeFileSync(join(cwd, 'notes.txt'), 'mine\n');
    for (const args of [['report', '--out', 'notes.txt'], ['train', '--days', '10', '--out', 'notes.txt']]) {
      const io = memoryIo(cwd);
      expect(await main(args, io)).toBe(2);
      expect(io.err()).toMatch(new RegExp(`${join(cwd, 'notes.txt')} already exists and is not a (report|pump model) COCE wrote: choose another path or move it away \\(nothing was overwritten\\)`));
    }
    expect(readFileSync(join(cwd, 'notes.txt'), 'utf8')).toBe('mine\n');
    // its own earlier output is replaced
    expect(await main(['report', '--out', 'r.html'], memoryIo(cwd))).toBe(0);
    expect(await main(['report', '--out', 'r.html'], memoryIo(cwd))).toBe(0);
  });
});
