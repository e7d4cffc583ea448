/**
 * Fuzz target: recorded market folders. A small folder from `coce data generate` (6 micro-caps, 2 days) with one of
 * its files damaged (a line deleted, doubled, moved or cut; a field replaced by junk, NaN, a negative or a huge
 * number; meta.json edited), replayed by `coce run --data` or `coce backtest --data`. A refusal names the damaged
 * file; the folder itself is never changed; bad values inside well-formed rows are the quality gate's to reject.
 */
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { BASE_YAML, tmp, treeSnapshot } from '../helpers.js';
import { coce, expectClean, fuzzTimeout, expectUnchanged, fuzzParams } from './fuzz-harness.js';

const FILES = ['bars.csv', 'liquidity.csv', 'sentiment.csv', 'events.csv', 'hype.csv', 'meta.json'] as const;
let root = '';
const text: Record<string, string> = {};

beforeAll(async () => {
  root = tmp();
  writeFileSync(join(root, 'tiny.yaml'), readFileSync(BASE_YAML, 'utf8').replace(/micro_caps: 80 /, 'micro_caps: 6 ').replace(/warmup_days: \d+/, 'warmup_days: 3'));
  const g = await coce(['data', 'generate', '--days', '2', '--seed', '5', '--config', 'tiny.yaml', '--out', 'mkt'], root);
  expect(g.code).toBe(0);
  for (const f of FILES) text[f] = readFileSync(join(root, 'mkt', f), 'utf8');
});

const junk = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('', 'NaN', '-1', '0', '-0', '1e308', '1e-320', 'Infinity', '0x1A', ' 5', '5 ', '"7"', 'BTC', '2026-01-01', '490000', '999999999'));

type Mutation =
  | { kind: 'delete'; line: number }
  | { kind: 'double'; line: number }
  | { kind: 'move'; line: number; to: number }
  | { kind: 'cut'; at: number }
  | { kind: 'field'; line: number; field: number; value: string }
  | { kind: 'append'; value: string };

const mutation: fc.Arbitrary<{ file: (typeof FILES)[number]; m: Mutation }> = fc.record({
  file: fc.constantFrom(...FILES),
  m: fc.oneof(
    fc.record({ kind: fc.constant('delete' as const), line: fc.nat(5000) }),
    fc.record({ kind: fc.constant('double' as const), line: fc.nat(5000) }),
    fc.record({ kind: fc.constant('move' as const), line: fc.nat(5000), to: fc.nat(5000) }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat(1_000_000) }),
    fc.record({ kind: fc.constant('field' as const), line: fc.nat(5000), field: fc.nat(9), value: junk }),
    fc.record({ kind: fc.constant('append' as const), value: junk }),
  ),
});

function damage(file: string, m: Mutation): string {
  const t = text[file]!;
  const lines = t.split('\n');
  const at = (i: number) => i % Math.max(1, lines.length - 1);
  switch (m.kind) {
    case 'delete':
      return lines.filter((_, i) => i !== at(m.line)).join('\n');
    case 'double':
      return [...lines.slice(0, at(m.line) + 1), ...lines.slice(at(m.line))].join('\n');
    case 'move': {
      const [moved] = lines.splice(at(m.line), 1);
      lines.splice(at(m.to), 0, moved!);
      return lines.join('\n');
    }
    case 'cut':
      return t.slice(0, m.at % t.length);
    case 'field': {
      if (file === 'meta.json') {
        const meta = JSON.parse(t) as Record<string, unknown>;
        const key = Object.keys(meta)[m.field % Object.keys(meta).length]!;
        meta[key] = Number.isNaN(Number(m.value)) ? m.value : Number(m.value);
        return JSON.stringify(meta, null, 2);
      }
      const i = at(m.line);
      const f = lines[i]!.split(',');
      f[m.field % f.length] = m.value;
      lines[i] = f.join(',');
      return lines.join('\n');
    }
    case 'append':
      return t + m.value + '\n';
  }
}

describe('fuzz: recorded market files', () => {
  it('run and backtest --data on a damaged folder: exit 0, or 2 naming the damaged file; the folder never changes', async () => {
    let n = 0;
    const seen = { refused: 0, ran: 0 };
    await fc.assert(
      fc.asyncProperty(mutation, fc.constantFrom('run', 'backtest'), async ({ file, m }, cmd) => {
        const dir = join(root, `case-${n++}`);
        cpSync(join(root, 'mkt'), join(dir, 'mkt'), { recursive: true });
        writeFileSync(join(dir, 'mkt', file), damage(file, m));
        const before = treeSnapshot(join(dir, 'mkt'));
        const args =
          cmd === 'run'
            ? ['run', '--data', join(dir, 'mkt'), '--days', '1', '--config', 'tiny.yaml', '--state-dir', join(dir, 'd'), '--log-dir', join(dir, 'l')]
            : ['backtest', '--data', join(dir, 'mkt'), '--days', '1', '--config', 'tiny.yaml', '--out', join(dir, 'bt')];
        const o = await coce(args, root);
        // the culprit: the file damaged (meta.json names the folder's other files' ranges too)
        expectClean(o, file === 'meta.json' ? [join(dir, 'mkt')] : [join(dir, 'mkt', file)]);
        if (o.code === 2) seen.refused++;
        else seen.ran++;
        expectUnchanged(before, join(dir, 'mkt'));
        if (o.code === 2) expect(treeSnapshot(join(dir, cmd === 'run' ? 'd' : 'bt'))).toEqual({});
      }),
      fuzzParams(60),
    );
    if (process.env.FUZZ_SCALE) console.log(`recorded fuzz: ${seen.ran} accepted, ${seen.refused} refused`);
    expect(seen.refused).toBeGreaterThan(0);
    expect(seen.ran).toBeGreaterThan(0);
  }, fuzzTimeout(300_000));
});
