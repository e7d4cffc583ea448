import { describe, expect, it } from 'vitest';
import { OperatorStep } from '../../src/agent/steps/operator-step.js';
import { ControlQueue } from '../../src/ops/console/operator-controls.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StateError } from '../../src/utils/errors.js';
import { tmp } from '../helpers.js';
import { emptySnapshot, freshState, makeContext } from './context.js';

describe('OperatorStep', () => {
  const by = 'console session abcdef from 127.0.0.1';

  it('pauses and resumes entries: while paused every candidate and held asset is kept out of the allocation', () => {
    const st = freshState(10_000);
    st.positions.HELD = { qty: 10, avgEntryPriceUsd: 2, lastPriceUsd: 2, openedCycle: 1, realizedPnlUsd: 0 };
    const q = new ControlQueue();
    const step = new OperatorStep(q);
    q.push({ id: 'a', kind: 'pause_entries', by });
    const one = makeContext({ cycle: 5, snapshot: emptySnapshot(5), state: st, candidates: ['NEW'] });
    step.run(one.c);
    expect(st.operator).toEqual({ entriesPaused: true, by, sinceCycle: 5 });
    expect([...one.c.noEntry].sort()).toEqual(['HELD', 'NEW']);
    expect(one.events).toEqual([{ log: 'meta', type: 'operator_control', fields: { id: 'a', control: 'pause_entries', by, applied: true } }]);
    // still paused the cycle after, with no request
    const two = makeContext({ cycle: 6, snapshot: emptySnapshot(6), state: st, candidates: ['OTHER'] });
    step.run(two.c);
    expect([...two.c.noEntry].sort()).toEqual(['HELD', 'OTHER']);
    q.push({ id: 'b', kind: 'resume_entries', by });
    const three = makeContext({ cycle: 7, snapshot: emptySnapshot(7), state: st, candidates: ['OTHER'] });
    step.run(three.c);
    expect(st.operator).toBeUndefined();
    expect([...three.c.noEntry]).toEqual([]);
  });

  it('flattens as an exit, refuses what it cannot do, and lifts a halt as coce resume does', () => {
    const st = freshState(10_000);
    st.positions.A = { qty: 10, avgEntryPriceUsd: 2, lastPriceUsd: 2.5, openedCycle: 1, realizedPnlUsd: 0 };
    const q = new ControlQueue();
    const step = new OperatorStep(q);
    q.push({ id: 'f1', kind: 'flatten', symbol: 'B', by });
    q.push({ id: 'f2', kind: 'flatten', symbol: 'A', by });
    q.push({ id: 'h1', kind: 'lift_halt', reason: 'checked the venue', by });
    const r = makeContext({ cycle: 9, snapshot: emptySnapshot(9), state: st });
    step.run(r.c);
    expect(r.events.map((e) => [e.type, e.fields.id ?? e.fields.symbol, e.fields.applied ?? null, e.fields.why ?? null])).toEqual([
      ['operator_control', 'f1', false, 'no position in B'],
      ['exit_signal', 'A', null, null],
      ['operator_control', 'f2', true, null],
      ['operator_control', 'h1', false, 'trading is not halted (kill-switch active)'],
    ]);
    expect(st.openTrades.A!.exit).toEqual({ reason: 'operator', cycle: 9, detail: `flatten asked by ${by}` });
    expect([...r.c.exiting]).toEqual(['A']);
    st.killSwitch = { state: 'halted', reason: '7-day Sharpe 0.1 < 1.2', sinceCycle: 8 };
    q.push({ id: 'h2', kind: 'lift_halt', reason: 'checked the venue', by });
    const h = makeContext({ cycle: 10, snapshot: emptySnapshot(10), state: st });
    step.run(h.c);
    expect(st.killSwitch).toEqual({ state: 'active', reason: 'resumed: checked the venue', sinceCycle: 10 });
    expect(h.events.map((e) => e.type)).toEqual(['resume', 'operator_control']);
    expect(h.events[0]!.fields).toEqual({ reason: 'checked the venue', by, haltedSinceCycle: 8, previousReason: '7-day Sharpe 0.1 < 1.2' });
    q.push({ id: 'f3', kind: 'flatten', symbol: null, by });
    delete st.positions.A;
    const none = makeContext({ cycle: 11, snapshot: emptySnapshot(11), state: st });
    step.run(none.c);
    expect(none.events[0]!.fields).toMatchObject({ id: 'f3', applied: false, why: 'no position to flatten' });
  });
});

describe('operator requests survive a crash: saved before "queued" is said, applied once in the saved history', () => {
  const by = 'telegram chat 111';

  it('a request queued, then the daemon dies before or during the cycle that applies it, or the backup state is restored', () => {
    const dir = tmp();
    const file = join(dir, 'operator-requests.json');
    const pending = () => (JSON.parse(readFileSync(file, 'utf8')) as { pending: { id: string }[] }).pending.map((r) => r.id);
    const q = new ControlQueue(file);
    q.push({ id: 'p1', kind: 'pause_entries', by });
    q.push({ id: 'f1', kind: 'flatten', symbol: 'A', by });
    expect(pending()).toEqual(['p1', 'f1']);
    // the daemon dies before the next cycle; a new one reads the file
    const saved = freshState(10_000);
    saved.lastCompletedCycle = 4;
    saved.positions.A = { qty: 10, avgEntryPriceUsd: 2, lastPriceUsd: 2, openedCycle: 1, realizedPnlUsd: 0 };
    const again = new ControlQueue(file);
    expect(again.waiting([])).toBe(2);
    const applyAt = (cycle: number, state: typeof saved, queue = new ControlQueue(file)) => {
      const r = makeContext({ cycle, snapshot: emptySnapshot(cycle), state });
      new OperatorStep(queue).run(r.c);
      state.lastCompletedCycle = cycle; // the cycle completes (and is saved, outside back-tests)
      return r.events.filter((e) => e.type === 'operator_control').map((e) => [e.fields.id, e.fields.applied]);
    };
    // cycle 5 applies both, then dies before its state is saved: the redone cycle 5 applies both again
    const crashed = structuredClone(saved);
    expect(applyAt(5, crashed, again)).toEqual([['p1', true], ['f1', true]]);
    expect(crashed.operatorApplied).toEqual([{ id: 'p1', cycle: 5 }, { id: 'f1', cycle: 5 }]);
    const redone = structuredClone(saved);
    expect(applyAt(5, redone)).toEqual([['p1', true], ['f1', true]]);
    // saved: a restart waits for nothing; cycle 6 applies nothing, and the file keeps both while state.json.bak
    // (the state after cycle 4) does not hold them
    expect(new ControlQueue(file).waiting(redone.operatorApplied)).toBe(0);
    const backup = structuredClone(saved);
    expect(applyAt(6, redone)).toEqual([]);
    expect(pending()).toEqual(['p1', 'f1']);
    // `coce run --restore-backup` then: the state after cycle 4 applies them at its cycle 5, once
    expect(applyAt(5, structuredClone(backup))).toEqual([['p1', true], ['f1', true]]);
    // on the main line, cycle 7: state and backup both hold them now; they leave the file and the state
    expect(applyAt(7, redone)).toEqual([]);
    expect(pending()).toEqual([]);
    expect(redone.operatorApplied).toBeUndefined();
  });

  it('a damaged request file stops the start with its name; a request that cannot be saved is refused, not kept', () => {
    const dir = tmp();
    const file = join(dir, 'operator-requests.json');
    writeFileSync(file, '{"version":1,"pending":[{"id":"x","kind":"sell_everything","by":"me"}]}');
    expect(() => new ControlQueue(file)).toThrow(StateError);
    expect(() => new ControlQueue(file)).toThrow(/operator-requests\.json is damaged \(pending\.0\.kind: .*\): move it away to drop the operator requests it holds/);
    writeFileSync(file, 'not json');
    expect(() => new ControlQueue(file)).toThrow(/is damaged \(.*JSON.*\)/);
    const nowhere = new ControlQueue(join(dir, 'missing-folder', 'operator-requests.json'));
    expect(() => nowhere.push({ id: 'a', kind: 'pause_entries', by })).toThrow(/could not save the operator request to .*missing-folder.*ENOENT/);
    expect(nowhere.waiting([])).toBe(0);
  });
});
