import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { forEachJsonlEvent, readJsonlLog, type LogEvent } from '../../src/state/jsonl-log.js';
import { tmp } from '../helpers.js';

describe('reading a JSONL log in chunks', () => {
  it('gives every line across 4 MB chunk edges (multi-byte text split too), stops at the recorded length, parses only kept lines', () => {
    const file = join(tmp(), 'meta_events.jsonl');
    const lines: string[] = [];
    // ~9.5 MB of lines whose lengths do not divide the chunk: some edge falls inside an "é" (2 bytes)
    for (let i = 0; i < 50_000; i++) lines.push(JSON.stringify({ ts: `t${i}`, type: i % 7 === 0 ? 'pump_alarm' : 'allocation', cycle: i, note: 'é'.repeat(60 + (i % 13)) }));
    const text = lines.join('\n') + '\n';
    writeFileSync(file, text);
    expect(Buffer.byteLength(text)).toBeGreaterThan(8 << 20);
    const all = readJsonlLog(file);
    expect(all).toHaveLength(50_000);
    expect(all.every((e, i) => e.cycle === i && (e.note as string).length === 60 + (i % 13))).toBe(true);
    // up to the length state.json recorded: the first 1000 lines
    const bytes = Buffer.byteLength(lines.slice(0, 1000).join('\n') + '\n');
    expect(readJsonlLog(file, bytes).map((e) => e.cycle)).toEqual([...Array(1000).keys()]);
    const alarms: LogEvent[] = [];
    forEachJsonlEvent(file, undefined, (e) => alarms.push(e), (l) => l.includes('"type":"pump_alarm"'));
    expect(alarms.map((e) => e.cycle)).toEqual(all.filter((e) => e.type === 'pump_alarm').map((e) => e.cycle));
    // a damaged line is named, a last line without its newline is read, a missing log has no events
    writeFileSync(file, '{"ts":"a","type":"x","cycle":1}\n\n{"ts":"b"\n');
    expect(() => readJsonlLog(file)).toThrow(`${file} line 3 is not JSON: the log is damaged`);
    writeFileSync(file, '{"ts":"a","type":"x","cycle":1}\n{"ts":"b","type":"y","cycle":2}');
    expect(readJsonlLog(file).map((e) => e.type)).toEqual(['x', 'y']);
    expect(readJsonlLog(join(tmp(), 'none.jsonl'))).toEqual([]);
  });
});
