import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { engineStateSchema, initialState, type EngineState } from '../../src/state/schema.js';
import { FileStateStore, parseState } from '../../src/state/state-store.js';
import { FileOrderJournal } from '../../src/state/order-journal.js';
import { PathError, StateError } from '../../src/utils/errors.js';
import { readText, tmp } from '../helpers.js';

const RUN = { mode: 'sim', seed: 1, marketSource: 'basic-synthetic', barMs: 3_600_000, firstCycle: 0 } as const;
const stateAt = (cycle: number | null, navUsd = 100_000): EngineState => ({
  ...initialState({ ...RUN }, 100_000, 'abc'),
  lastCompletedCycle: cycle,
  lastCompletedTs: cycle === null ? null : new Date((cycle + 1) * 3_600_000).toISOString(),
  equityCurve: cycle === null ? [] : [{ cycle, ts: new Date((cycle + 1) * 3_600_000).toISOString(), navUsd }],
});

describe('initialState', () => {
  it('lists its keys in schema order, so a fresh and a reloaded state serialise identically', () => {
    const s = initialState({ ...RUN }, 100_000, 'abc');
    expect(Object.keys(s)).toEqual(Object.keys(engineStateSchema.parse(JSON.parse(JSON.stringify(s)))));
  });
});

describe('FileStateStore', () => {
  it('round-trips a state and keeps the previous one as state.json.bak', () => {
    const store = new FileStateStore(tmp());
    expect(store.load()).toBeNull();
    store.save(stateAt(1));
    expect(existsSync(store.backupPath)).toBe(false);
    store.save(stateAt(2, 101_000));
    expect(store.load()).toEqual(stateAt(2, 101_000));
    expect(parseState(readText(store.backupPath), 'bak')).toEqual(stateAt(1));
    store.save(stateAt(3));
    expect(parseState(readText(store.backupPath), 'bak').lastCompletedCycle).toBe(2);
    expect(readdirSync(store.dir).sort()).toEqual(['state.json', 'state.json.bak']);
  });

  it('checks each equity point once, and still refuses a bad new one, naming its place in the whole curve', () => {
    const store = new FileStateStore(tmp());
    const point = (cycle: number, navUsd = 100_000) => ({ cycle, ts: new Date((cycle + 1) * 3_600_000).toISOString(), navUsd });
    const s = stateAt(2);
    s.equityCurve = [point(0), point(1), point(2)];
    store.save(s); // all three checked
    const next = { ...s, lastCompletedCycle: 4, lastCompletedTs: new Date(5 * 3_600_000).toISOString(), equityCurve: [...s.equityCurve, point(3), point(4, Number.NaN)] };
    expect(() => store.save(next)).toThrow(/breaks the state schema[^]*equityCurve\.4\.navUsd: Invalid input: expected number, received NaN/);
    expect(store.load()!.lastCompletedCycle).toBe(2); // the last good state stays
    const ahead = { ...next, equityCurve: [...s.equityCurve, point(3), point(5)] };
    expect(() => store.save(ahead)).toThrow(/equityCurve\.4\.cycle: is after lastCompletedCycle 4/);
    store.save({ ...next, equityCurve: [...s.equityCurve, point(3), point(4)] });
    expect(store.load()!.equityCurve.map((p) => p.cycle)).toEqual([0, 1, 2, 3, 4]);
  });

  it('refuses a corrupt file, leaves it untouched and points at the backup', () => {
    const store = new FileStateStore(tmp());
    store.save(stateAt(7));
    store.save(stateAt(8));
    writeFileSync(store.path, '{"version":1,"run":');
    expect(() => store.load()).toThrow(StateError);
    expect(() => store.load()).toThrow(
      new RegExp(`^${store.path} is not valid JSON \\(.+\\)\\nThe file was left untouched\\. Start from ${store.backupPath} \\(last completed cycle 7\\) with --restore-backup\\.$`),
    );
    expect(readText(store.path)).toBe('{"version":1,"run":');
  });

  it('says when there is no backup, or the backup is broken too', () => {
    const store = new FileStateStore(tmp());
    writeFileSync(store.path, 'garbage');
    expect(() => store.load()).toThrow('There is no backup; move the file away to start a new run.');
    writeFileSync(store.backupPath, '{}');
    expect(() => store.load()).toThrow(`The backup ${store.backupPath} is not usable either`);
  });

  it('refuses another version and a file that breaks the schema, naming the fields', () => {
    const store = new FileStateStore(tmp());
    writeFileSync(store.path, JSON.stringify({ ...stateAt(1), version: 2 }));
    expect(() => store.load()).toThrow(`${store.path} has version 2; this build reads version 1`);
    writeFileSync(store.path, JSON.stringify({ ...stateAt(1), cashUsd: 'lots', extra: true }));
    expect(() => store.load()).toThrow(/does not match the state schema:\n {2}- cashUsd: Invalid input: expected number, received string\n {2}- \(root\): Unrecognized key: "extra"/);
    writeFileSync(store.path, JSON.stringify({ ...stateAt(1), peakEquityUsd: -1 }));
    expect(() => store.load()).toThrow('peakEquityUsd: must be from 0 to 10000000000000 USD');
  });

  it('restores the backup and keeps the corrupt file aside, never deleting it', () => {
    const store = new FileStateStore(tmp());
    expect(() => store.restoreBackup()).toThrow(`no backup to restore: ${store.backupPath} does not exist`);
    store.save(stateAt(4));
    store.save(stateAt(5));
    writeFileSync(store.path, 'torn');
    expect(store.restoreBackup().lastCompletedCycle).toBe(4);
    expect(store.load()!.lastCompletedCycle).toBe(4);
    expect(readText(`${store.path}.replaced`)).toBe('torn');
    writeFileSync(store.path, 'torn again');
    store.restoreBackup();
    expect(readText(`${store.path}.replaced.1`)).toBe('torn again');
  });

  it('refuses to start fresh when state.json is missing but a backup exists', () => {
    const store = new FileStateStore(tmp());
    store.save(stateAt(1));
    store.save(stateAt(2));
    rmSync(store.path);
    expect(() => store.load()).toThrow(
      `${store.path} is missing but ${store.backupPath} exists, so a run was here. Start from ${store.backupPath} (last completed cycle 1) with --restore-backup.`,
    );
    expect(store.restoreBackup().lastCompletedCycle).toBe(1);
    expect(store.load()!.lastCompletedCycle).toBe(1);
  });

  it('names a state.json that cannot be read, and one that is not an object', () => {
    const store = new FileStateStore(tmp());
    mkdirSync(store.path);
    expect(() => store.load()).toThrow(`${store.path} cannot be read (EISDIR: a folder is in the way of the file)`);
    expect(() => parseState('null', 'x')).toThrow('x is not a state object (it holds null)');
    expect(() => parseState('3', 'x')).toThrow('x is not a state object (it holds 3)');
  });

  it('fails with PathError when the folder cannot be created or written', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'file'), 'x');
    expect(() => new FileStateStore(join(dir, 'file', 'sub')).ensureWritable()).toThrow(PathError);
    expect(() => new FileStateStore(join(dir, 'file', 'sub')).ensureWritable()).toThrow(
      `state folder ${join(dir, 'file', 'sub')} cannot be written (ENOTDIR: a file is in the way of the folder)`,
    );
    const ro = join(dir, 'ro');
    mkdirSync(ro);
    chmodSync(ro, 0o500);
    const store = new FileStateStore(ro);
    // root ignores permission bits; only assert where the OS enforces them
    if (process.getuid?.() !== 0) expect(() => store.ensureWritable()).toThrow(PathError);
    chmodSync(ro, 0o700);
    expect(() => store.ensureWritable()).not.toThrow();
  });
});

describe('FileOrderJournal', () => {
  it('survives a line torn by a crash, keeps intents of unsaved cycles, and prunes the rest', () => {
    const file = join(tmp(), 'orders.journal.jsonl');
    const j = join;
    const write = writeFileSync;
    const read = (f: string, _enc: 'utf8') => readText(f);
    const journal = new FileOrderJournal(file);
    journal.record({ clientOrderId: 'coce-5-A-b1', symbol: 'A', cycle: 5 });
    // a crash mid-write leaves half a line; the next record starts on a line of its own
    write(file, read(file, 'utf8') + '{"clientOrderId":"coce-6-A-b', { flag: 'w' });
    journal.record({ clientOrderId: 'coce-7-B-s1', symbol: 'B', cycle: 7 });
    journal.record({ clientOrderId: 'coce-8-C-b2', symbol: 'C', cycle: 8 });
    expect(journal.unsettled(null).map((i) => i.clientOrderId)).toEqual(['coce-5-A-b1', 'coce-7-B-s1', 'coce-8-C-b2']);
    write(file, read(file, 'utf8') + '{"clientOrderId":"coce-8-D-b1"}{"clientOrderId":"glued"\n[1,2]\nnull\n', { flag: 'w' });
    expect(journal.unsettled(5).map((i) => i.clientOrderId)).toEqual(['coce-7-B-s1', 'coce-8-C-b2']);
    journal.prune(7);
    expect(read(file, 'utf8')).toBe('{"clientOrderId":"coce-8-C-b2","symbol":"C","cycle":8}\n');
    journal.prune(7); // nothing to drop: left as is
    expect(journal.unsettled(null)).toHaveLength(1);
    expect(new FileOrderJournal(j(file, '..', 'none.jsonl')).unsettled(null)).toEqual([]);
  });
});

describe('states written before the options sleeve', () => {
  it('load with an empty sleeve account and zero marks', () => {
    const s = initialState({ mode: 'sim', seed: 1, marketSource: 'x', barMs: 3_600_000, firstCycle: 0 }, 100, 'h') as Partial<EngineState>;
    const { sleeve: _sleeve, ...old } = s;
    const raw = { ...old, sleevePositions: [{ instrument: 'BTC-27FEB26-90000-C', qty: 0.1, premiumPaidUsd: 50, openedCycle: 3 }] };
    const back = parseState(JSON.stringify(raw), 'old state');
    expect(back.sleeve).toEqual({ cashUsd: 0, periodStartMs: null, periodSpentUsd: 0 });
    expect(back.sleevePositions[0]!.markUsd).toBe(0);
  });
});
