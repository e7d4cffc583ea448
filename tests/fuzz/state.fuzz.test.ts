/**
 * Fuzz target: state files. The state.json of a 3-day sim that traded (25 micro-caps, a trained model), with one
 * value replaced, a key deleted or added, a position or an open order planted, or its text damaged; then `coce
 * status`, `coce report` or `coce run` (a resume to day 4) on it. A refusal names state.json, and leaves every file
 * as it was; a run that goes ahead changes only its own state and logs.
 */
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { trainFromConfig } from '../../src/agent/pump-training.js';
import { writeModelFile } from '../../src/alpha/model-file.js';
import type { Config } from '../../src/utils/config.js';
import { baseConfig, BASE_YAML, tmp, treeSnapshot } from '../helpers.js';
import { coce, expectClean, fuzzTimeout, expectNoSecretInFiles, expectUnchanged, fuzzParams, SECRETS } from './fuzz-harness.js';

let root = '';
let stateText = '';
let state: Record<string, unknown> = {};
let symbols: string[] = [];

beforeAll(async () => {
  const base = baseConfig();
  const cfg: Config = { ...base, market: { ...base.market, synthetic: { ...base.market.synthetic, microCaps: 25 } } };
  root = tmp();
  writeFileSync(join(root, 'small.yaml'), readFileSync(BASE_YAML, 'utf8').replace(/micro_caps: 80 /, 'micro_caps: 25 '));
  mkdirSync(join(root, 'data'));
  writeModelFile(join(root, 'data', 'model.json'), await trainFromConfig(cfg, 5, 20));
  const r = await coce(['run', '--days', '3', '--seed', '4', '--config', 'small.yaml', '--state-dir', 'ref/data', '--log-dir', 'ref/logs'], root);
  expect(r.code).toBe(0);
  stateText = readFileSync(join(root, 'ref', 'data', 'state.json'), 'utf8');
  state = JSON.parse(stateText) as Record<string, unknown>;
  symbols = Object.keys(state.assetMemory as object);
  expect(Object.keys(state.positions as object).length + (state.closedTrades as unknown[]).length).toBeGreaterThan(0);
}, 120_000);

/** Every path in the state (objects, arrays and leaves), so a whole section can be replaced as well as one number. */
function paths(o: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const here = prefix.length > 0 ? [prefix] : [];
  if (o === null || typeof o !== 'object') return here;
  const kids = Array.isArray(o) ? o.slice(0, 3).flatMap((v, i) => paths(v, [...prefix, i])) : Object.entries(o).flatMap(([k, v]) => paths(v, [...prefix, k]));
  return [...here, ...kids];
}

const wild = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(0, -1, -1e12, 1e300, 1e-300, 2 ** 53, 490_896, 491_000, 1e12, '', 'NaN', null, true, [], {}, '2026-01-01T00:00:00.000Z', SECRETS.TWITTER_BEARER),
  fc.double({ noNaN: true }),
);

type Mutation =
  | { kind: 'set'; at: number; value: unknown }
  | { kind: 'scale'; at: number; factor: number }
  | { kind: 'delete'; at: number }
  | { kind: 'extra'; key: string }
  | { kind: 'position'; symbol: number; qty: number; price: number }
  | { kind: 'order'; symbol: number; qty: number; status: string; placedCycle: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'byte'; at: number; char: string };

const mutation = (nPaths: number, nSymbols: number): fc.Arbitrary<Mutation> =>
  fc.oneof(
    fc.record({ kind: fc.constant('set' as const), at: fc.nat(nPaths - 1), value: wild }),
    fc.record({ kind: fc.constant('scale' as const), at: fc.nat(nPaths - 1), factor: fc.constantFrom(-1, 0, 0.5, 1.0000001, 2, 1e6) }),
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat(nPaths - 1) }),
    fc.record({ kind: fc.constant('extra' as const), key: fc.string({ minLength: 1, maxLength: 8 }) }),
    fc.record({ kind: fc.constant('position' as const), symbol: fc.integer({ min: -1, max: nSymbols }), qty: fc.constantFrom(-5, 0, 1e-9, 3, 1e9, 1e18), price: fc.constantFrom(0, 1e-8, 1, 1e5) }),
    fc.record({ kind: fc.constant('order' as const), symbol: fc.integer({ min: -1, max: nSymbols }), qty: fc.constantFrom(0, 1, 1e6), status: fc.constantFrom('pending', 'open', 'partially_filled'), placedCycle: fc.constantFrom(0, 490_900, 490_967, 491_100) }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat(100_000) }),
    fc.record({ kind: fc.constant('byte' as const), at: fc.nat(100_000), char: fc.constantFrom('"', '{', '}', ',', '0', 'x', '\u0000', '-', 'e') }),
  );

function apply(m: Mutation, all: (string | number)[][]): string {
  const s = structuredClone(state);
  const sym = (i: number) => (i < 0 ? '__proto__' : i >= symbols.length ? 'NOTLISTED' : symbols[i]!);
  const edit = (path: (string | number)[], f: (parent: Record<string | number, unknown>, key: string | number) => void) => {
    let node = s as Record<string | number, unknown>;
    for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, unknown>;
    f(node, path.at(-1)!);
  };
  switch (m.kind) {
    case 'set':
      edit(all[m.at]!, (p, k) => (p[k] = m.value));
      break;
    case 'scale':
      edit(all[m.at]!, (p, k) => (p[k] = typeof p[k] === 'number' ? (p[k]) * m.factor : p[k]));
      break;
    case 'delete':
      edit(all[m.at]!, (p, k) => (Array.isArray(p) ? p.splice(Number(k), 1) : delete p[k]));
      break;
    case 'extra':
      s[m.key] = 1;
      break;
    case 'position':
      // defined, not assigned: a "__proto__" key must reach the file as a key (as a hand edit can put it there)
      Object.defineProperty(s.positions, sym(m.symbol), { value: { qty: m.qty, avgEntryPriceUsd: m.price, lastPriceUsd: m.price, openedCycle: 490_900, realizedPnlUsd: 0 }, enumerable: true, configurable: true, writable: true });
      break;
    case 'order':
      (s.openOrders as unknown[]).push({ clientOrderId: `coce-${m.placedCycle}-${sym(m.symbol)}-b1`, venueOrderId: null, symbol: sym(m.symbol), side: 'buy', qty: m.qty, filledQty: 0, limitPriceUsd: null, refPriceUsd: 1, avgFillPriceUsd: 0, feeUsd: 0, feeBaseQty: 0, placedCycle: m.placedCycle, placedMs: 0, status: m.status });
      break;
    case 'truncate':
      return stateText.slice(0, m.at % stateText.length);
    case 'byte': {
      const at = m.at % stateText.length;
      return stateText.slice(0, at) + m.char + stateText.slice(at + 1);
    }
  }
  return JSON.stringify(s) + '\n';
}

describe('fuzz: state files', () => {
  it('status, report and a resumed run on a damaged or hand-edited state: exit 0, or 2 naming state.json; nothing lost', async () => {
    const all = paths(state);
    const command = fc.constantFrom('status', 'status-json', 'report', 'run', 'run');
    let n = 0;
    const seen = { refused: 0, ran: 0 };
    await fc.assert(
      fc.asyncProperty(mutation(all.length, symbols.length), command, async (m, cmd) => {
        const dir = join(root, `case-${n++}`);
        cpSync(join(root, 'ref'), dir, { recursive: true });
        const statePath = join(dir, 'data', 'state.json');
        writeFileSync(statePath, apply(m, all));
        const before = treeSnapshot(dir);
        const dirs = ['--state-dir', join(dir, 'data'), '--log-dir', join(dir, 'logs')];
        const args =
          cmd === 'status' ? ['status', '--state-dir', join(dir, 'data')]
          : cmd === 'status-json' ? ['status', '--json', '--state-dir', join(dir, 'data')]
          : cmd === 'report' ? ['report', '--since', 'all', '--out', join(dir, 'review.html'), ...dirs]
          : ['run', '--days', '4', '--seed', '4', '--config', 'small.yaml', ...dirs];
        const o = await coce(args, root);
        expectClean(o, statePath);
        if (o.code === 2) seen.refused++;
        else seen.ran++;
        // a refusal, and every read-only command, leaves the folder as it was; a run that went ahead writes only its state and logs
        const wrote = cmd === 'run' && o.code === 0;
        expectUnchanged(before, dir, (rel) => wrote && (rel.startsWith('data/') || rel.startsWith('logs/')));
        expectNoSecretInFiles(join(dir, 'logs'));
        expect(o.out).not.toMatch(/NaN|Infinity/);
      }),
      fuzzParams(60),
    );
    if (process.env.FUZZ_SCALE) console.log(`state fuzz: ${seen.ran} accepted, ${seen.refused} refused`);
    expect(seen.refused).toBeGreaterThan(0);
    expect(seen.ran).toBeGreaterThan(0);
  }, fuzzTimeout(300_000));
});
