import { createHash } from 'node:crypto';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EventLogs } from '../../src/state/event-logs.js';
import { JsonlLog } from '../../src/state/jsonl-log.js';
import { PathError, StateError } from '../../src/utils/errors.js';
import { readText, tmp } from '../helpers.js';

const ev = (cycle: number, type = 'fill') => ({ ts: '2026-01-01T01:00:00.000Z', type, cycle, qty: 1.5 });

describe('JsonlLog', () => {
  it('appends whole lines in one write and cuts back to a length', () => {
    const file = join(tmp(), 'sub', 'trades.jsonl');
    const log = new JsonlLog(file, (l) => l.replace('fill', 'FILL'));
    expect(log.sizeBytes()).toBe(0);
    log.append([]);
    log.append([ev(1), ev(2, 'order')]);
    const line1 = '{"ts":"2026-01-01T01:00:00.000Z","type":"FILL","cycle":1,"qty":1.5}\n';
    const line2 = line1.replace('FILL', 'order').replace('"cycle":1', '"cycle":2');
    expect(readText(file)).toBe(line1 + line2);
    expect(log.truncateTo(line1.length)).toBe(line2.length);
    expect(readText(file)).toBe(line1);
    expect(log.truncateTo(1_000)).toBe(0);
    log.close();
    log.close();
  });

  it('names a log that cannot be written', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'blocker'), '');
    expect(() => new JsonlLog(join(dir, 'blocker', 'x.jsonl')).open()).toThrow(PathError);
  });
});

describe('EventLogs', () => {
  it('creates the three logs, records lengths and fingerprints, and cuts back only a crashed cycle', () => {
    const dir = join(tmp(), 'logs');
    const logs = new EventLogs(dir);
    logs.open();
    expect(logs.offsets()).toEqual({ 'trades.jsonl': 0, 'meta_events.jsonl': 0, 'equity.jsonl': 0 });
    logs.append({ trades: [ev(1)], meta: [], equity: [ev(1, 'equity')] });
    const committed = logs.marks();
    // sha256 of the file's bytes so far (under 4 KB: the whole file), first 16 hex digits
    expect(committed.tails['trades.jsonl']).toBe(createHash('sha256').update(readText(join(dir, 'trades.jsonl'))).digest('hex').slice(0, 16));
    expect(committed.tails['meta_events.jsonl']).toBe(createHash('sha256').update('').digest('hex').slice(0, 16));
    logs.append({ trades: [ev(2)], meta: [ev(2, 'halt')], equity: [] });
    appendFileSync(join(dir, 'equity.jsonl'), '{"ts":"2026-01-01T03:00:00.000Z","ty'); // torn by the crash
    const cuts = logs.check(committed, 1, 'state.json');
    expect(cuts.map((c) => [c.file.slice(dir.length + 1), c.toBytes, c.cutBytes])).toEqual([
      ['trades.jsonl', 68, 68],
      ['meta_events.jsonl', 0, 68],
      ['equity.jsonl', 70, 36],
    ]);
    logs.cut(cuts);
    expect(logs.offsets()).toEqual(committed.offsets);
    expect(logs.check(committed, 1, 'state.json')).toEqual([]);
    logs.close();
  });

  it('refuses logs that are not the saved state\'s, and changes nothing', () => {
    const dir = join(tmp(), 'logs');
    const logs = new EventLogs(dir);
    logs.open();
    logs.append({ trades: [ev(1), ev(2)], meta: [ev(2, 'halt')], equity: [ev(1, 'equity'), ev(2, 'equity')] });
    const marks = logs.marks();
    const before = readText(join(dir, 'trades.jsonl'));
    // shorter than recorded: another --log-dir, or a cut log
    expect(() => logs.check({ ...marks, offsets: { ...marks.offsets, 'trades.jsonl': 10_000 } }, 2, 'd/state.json')).toThrow(
      new RegExp(`^${dir}/trades.jsonl holds 136 bytes, but d/state.json was saved when it held 10000: these are not that run's logs`),
    );
    // as long, but another content at the recorded length
    expect(() => logs.check({ ...marks, tails: { ...marks.tails, 'equity.jsonl': '0123456789abcdef' } }, 2, 'd/state.json')).toThrow(StateError);
    expect(() => logs.check({ ...marks, tails: { ...marks.tails, 'equity.jsonl': '0123456789abcdef' } }, 2, 'd/state.json')).toThrow(/equity.jsonl does not end where d\/state.json recorded \(at byte 140\): it holds another run's lines/);
    // longer, but what follows is not a later cycle's (an older run's lines after a state of offset 0)
    expect(() => logs.check({ offsets: { 'trades.jsonl': 0 }, tails: {} }, 5, 'd/state.json')).toThrow(/has 136 bytes after the 0 that d\/state.json recorded, and they are not lines of a cycle after its last completed cycle 5/);
    appendFileSync(join(dir, 'meta_events.jsonl'), 'not json\n');
    expect(() => logs.check(marks, 2, 'd/state.json')).toThrow(/meta_events.jsonl has 9 bytes after the 68/);
    expect(readText(join(dir, 'trades.jsonl'))).toBe(before);
    // a state from before fingerprints: lengths only
    expect(logs.check({ offsets: { 'trades.jsonl': 68 }, tails: {} }, 1, 'd/state.json')).toEqual([{ file: join(dir, 'trades.jsonl'), toBytes: 68, cutBytes: 68 }]);
    logs.close();
  });
});
