/**
 * Fuzz target: config files. The shipped config/base.yaml with one key changed (any value, a deleted key, an
 * unknown key, a renamed key) or its text damaged (truncated, a byte inserted, a line doubled, an alias bomb), checked
 * by `coce validate-config`; and valid decision settings run for two cycles.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { BASE_YAML, tmp, treeSnapshot } from '../helpers.js';
import { coce, expectClean, fuzzTimeout, expectNoSecretInFiles, expectUnchanged, fuzzParams, SECRETS } from './fuzz-harness.js';

const BASE_TEXT = readFileSync(BASE_YAML, 'utf8');
const BASE = parse(BASE_TEXT) as Record<string, unknown>;

/** Every leaf of the config (scalars and array elements) as a dotted path with its value. */
function leaves(o: unknown, prefix: string[] = []): { path: string[]; value: unknown }[] {
  if (o !== null && typeof o === 'object') return Object.entries(o).flatMap(([k, v]) => leaves(v, [...prefix, k]));
  return [{ path: prefix, value: o }];
}
const LEAVES = leaves(BASE);

function setAt(o: Record<string, unknown>, path: readonly string[], f: (parent: Record<string, unknown>, key: string) => void): Record<string, unknown> {
  const copy = structuredClone(o);
  let node: Record<string, unknown> = copy;
  for (const k of path.slice(0, -1)) node = node[k] as Record<string, unknown>;
  f(node, path.at(-1)!);
  return copy;
}

/** What a refusal must name: the key's dotted path (an array element's parent path will do). */
const culpritOf = (path: readonly string[]): string[] => {
  const names = [path.join('.')];
  for (let n = path.length - 1; n >= 2 && /^\d+$/.test(path[n]!); n--) names.push(path.slice(0, n).join('.'));
  return names;
};

const wildValue = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -1, 1e300, -1e300, 1e-300, 2 ** 53 + 1, Number.NaN, Number.POSITIVE_INFINITY),
  fc.string({ maxLength: 30 }),
  fc.constantFrom('', 'yes', 'null', '~', '1h', '5m', 'NaN', '-0', '0x10', '1e3', SECRETS.TWITTER_BEARER),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(fc.integer(), fc.string({ maxLength: 5 })), { maxLength: 4 }),
  fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), fc.integer(), { maxKeys: 3 }),
);

/** A value near the shipped one (so a good share passes validation and really runs): scaled, zeroed, flipped. */
const nearValue = (original: unknown): fc.Arbitrary<unknown> =>
  typeof original === 'number'
    ? fc.oneof(
        fc.double({ min: 0, max: 3, noNaN: true }).map((f) => (Number.isInteger(original) ? Math.round(original * f) : original * f)),
        fc.constantFrom(0, 1, original + 1, Math.max(0, original - 1), -original),
      )
    : typeof original === 'boolean'
      ? fc.boolean()
      : fc.constant(original);

type KeyMutation = { kind: 'set'; at: number; value: unknown } | { kind: 'delete'; at: number } | { kind: 'unknown'; at: number; key: string } | { kind: 'rename'; at: number; suffix: string };

const keyMutation: fc.Arbitrary<KeyMutation> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(LEAVES.length - 1), value: wildValue }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(LEAVES.length - 1) }),
  fc.record({ kind: fc.constant('unknown' as const), at: fc.nat(LEAVES.length - 1), key: fc.stringMatching(/^[a-z_]{1,12}$/) }),
  fc.record({ kind: fc.constant('rename' as const), at: fc.nat(LEAVES.length - 1), suffix: fc.constantFrom('s', '_', 'x', '_pct') }),
);

function applyKeyMutation(m: KeyMutation): { yaml: string; culprit: string[] } {
  const leaf = LEAVES[m.at]!;
  const arrayElement = /^\d+$/.test(leaf.path.at(-1)!);
  switch (m.kind) {
    case 'set':
      return { yaml: stringify(setAt(BASE, leaf.path, (p, k) => (p[k] = m.value))), culprit: culpritOf(leaf.path) };
    case 'delete':
      return {
        yaml: stringify(setAt(BASE, leaf.path, (p, k) => (Array.isArray(p) ? p.splice(Number(k), 1) : delete p[k]))),
        culprit: culpritOf(leaf.path),
      };
    case 'unknown': {
      const parent = arrayElement ? leaf.path.slice(0, -2) : leaf.path.slice(0, -1);
      const key = BASE_TEXT.includes(`${m.key}:`) ? `${m.key}_unknown` : m.key;
      return { yaml: stringify(setAt(BASE, [...parent, key], (p, k) => (p[k] = 1))), culprit: [[...parent, key].join('.')] };
    }
    case 'rename': {
      const path = arrayElement ? leaf.path.slice(0, -1) : leaf.path;
      const renamed = [...path.slice(0, -1), path.at(-1)! + m.suffix];
      const yaml = stringify(
        setAt(BASE, path, (p, k) => {
          p[k + m.suffix] = p[k];
          delete p[k];
        }),
      );
      return { yaml, culprit: [renamed.join('.'), path.join('.')] };
    }
  }
}

type TextMutation = { kind: 'truncate'; at: number } | { kind: 'insert'; at: number; text: string } | { kind: 'double-line'; at: number } | { kind: 'alias-bomb'; depth: number };

const textMutation: fc.Arbitrary<TextMutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(BASE_TEXT.length) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(BASE_TEXT.length), text: fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('\t', ':', '- ', '&a', '*a', '{', '"', '\u0000', '\uFFFD', ' \n  x: 1\n')) }),
  fc.record({ kind: fc.constant('double-line' as const), at: fc.nat(400) }),
  fc.record({ kind: fc.constant('alias-bomb' as const), depth: fc.integer({ min: 4, max: 9 }) }),
);

function applyTextMutation(m: TextMutation): string {
  switch (m.kind) {
    case 'truncate':
      return BASE_TEXT.slice(0, m.at);
    case 'insert':
      return BASE_TEXT.slice(0, m.at) + m.text + BASE_TEXT.slice(m.at);
    case 'double-line': {
      const lines = BASE_TEXT.split('\n');
      const i = m.at % lines.length;
      return [...lines.slice(0, i + 1), lines[i], ...lines.slice(i + 1)].join('\n');
    }
    case 'alias-bomb': {
      const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x]'];
      for (let d = 1; d <= m.depth; d++) lines.push(`a${d}: &a${d} [${Array(9).fill(`*a${d - 1}`).join(', ')}]`);
      return lines.join('\n') + '\n' + BASE_TEXT;
    }
  }
}

let cwd = '';
beforeAll(() => {
  cwd = tmp();
});

describe('fuzz: config files', () => {
  it('validate-config: one key changed, deleted, added or renamed -> exit 0, or 2 naming that key', async () => {
    await fc.assert(
      fc.asyncProperty(keyMutation, async (m) => {
        const { yaml, culprit } = applyKeyMutation(m);
        const file = join(cwd, 'mutated.yaml');
        writeFileSync(file, yaml);
        const o = await coce(['validate-config', file], cwd);
        expectClean(o, culprit);
      }),
      fuzzParams(300),
    );
  });

  it('validate-config: damaged text -> exit 0, or 2 naming the file', async () => {
    await fc.assert(
      fc.asyncProperty(textMutation, async (m) => {
        const file = join(cwd, 'damaged.yaml');
        writeFileSync(file, applyTextMutation(m));
        expectClean(await coce(['validate-config', file], cwd), `invalid config ${file}`);
      }),
      fuzzParams(200),
    );
  });

  /** Decision settings (not the market's size or the history windows, which only cost time): run two cycles. */
  const DECISION = LEAVES.filter((l) => ['portfolio', 'risk', 'execution', 'meta', 'universe', 'notify', 'sleeve'].includes(l.path[0]!) || ['alpha.entry_probability', 'alpha.max_candidates', 'market.quality'].some((p) => l.path.join('.').startsWith(p)));

  it('run --cycles 2 on a config that passes validation -> exit 0, or 2 naming the key; no file but the run\'s changes', async () => {
    const setting = fc
      .record({ at: fc.nat(DECISION.length - 1), wild: fc.nat(3), sleeve: fc.constantFrom('core', 'all') })
      .chain(({ at, wild, sleeve }) => (wild === 0 ? wildValue : nearValue(DECISION[at]!.value)).map((value) => ({ at, value, sleeve })));
    let n = 0;
    let ran = 0;
    await fc.assert(
      fc.asyncProperty(setting, async ({ at, value, sleeve }) => {
        const leaf = DECISION[at]!;
        const dir = join(cwd, `run-${n++}`);
        const file = join(cwd, `run-${n}.yaml`);
        writeFileSync(file, stringify(setAt(BASE, leaf.path, (p, k) => (p[k] = value))));
        const before = treeSnapshot(cwd);
        const o = await coce(['run', '--cycles', '2', '--sleeve', sleeve, '--config', file, '--state-dir', join(dir, 'd'), '--log-dir', join(dir, 'l')], cwd);
        expectClean(o, culpritOf(leaf.path));
        expectUnchanged(before, cwd);
        if (o.code === 0) {
          ran++;
          expectNoSecretInFiles(dir);
        }
      }),
      fuzzParams(25),
    );
    // most cases must really run, or the property says little
    expect(ran).toBeGreaterThanOrEqual(fuzzParams(25).numRuns / 3);
  }, fuzzTimeout(180_000));
});
