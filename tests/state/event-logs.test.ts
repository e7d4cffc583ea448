import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EventLogs } from '../../src/state/event-logs.js';
import { JsonlLog } from '../../src/state/jsonl-log.js';
import { PathError } from '../../src/utils/errors.js';
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
  it('creates the three logs, reports offsets and recovers to them', () => {
    const dir = join(tmp(), 'logs');
    const logs = new EventLogs(dir);
    logs.open();
    expect(logs.offsets()).toEqual({ 'trades.jsonl': 0, 'meta_events.jsonl': 0, 'equity.jsonl': 0 });
    logs.append({ trades: [ev(1)], meta: [], equity: [ev(1, 'equity')] });
    const committed = logs.offsets();
    logs.append({ trades: [ev(2)], meta: [ev(2, 'halt')], equity: [] });
    appendFileSync(join(dir, 'equity.jsonl'), '{"ts":"2026-01-01T03:00:00.000Z","ty');
    const cut = logs.recover(committed);
    expect(cut.map((r) => [r.file.slice(dir.length + 1), r.cutBytes, r.shorterThanState])).toEqual([
      ['trades.jsonl', 68, false],
      ['meta_events.jsonl', 68, false],
      ['equity.jsonl', 36, false],
    ]);
    expect(logs.offsets()).toEqual(committed);
    expect(logs.recover({ ...committed, 'trades.jsonl': 10_000, 'other.jsonl': 5 })).toEqual([
      { file: join(dir, 'trades.jsonl'), cutBytes: 0, shorterThanState: true },
    ]);
    logs.close();
  });
});
