import { describe, expect, it } from 'vitest';
import { cloneData } from '../../src/utils/clone-data.js';

describe('cloneData', () => {
  it('copies plain data deeply, keeping undefined, NaN and infinities, sharing nothing with the original', () => {
    const original = { a: 1, b: [1, { c: 'x', d: null }], e: { f: { g: [Number.NaN, Infinity, -0] } }, h: undefined, i: true };
    const copy = cloneData(original);
    expect(copy).toStrictEqual(original);
    expect(Object.is(copy.e.f.g[2], -0)).toBe(true);
    expect('h' in copy).toBe(true);
    expect(copy.b).not.toBe(original.b);
    expect(copy.b[1]).not.toBe(original.b[1]);
    (copy.e.f.g)[0] = 5;
    expect(original.e.f.g[0]).toBeNaN();
    const bare = Object.create(null) as Record<string, number>;
    bare.k = 2;
    expect(cloneData({ bare })).toEqual({ bare: { k: 2 } });
    expect(cloneData('s')).toBe('s');
  });

  it('refuses what is not plain data instead of copying it wrongly', () => {
    expect(() => cloneData({ m: new Map() })).toThrow(/a Map is not plain data/);
    expect(() => cloneData({ d: new Date(0) })).toThrow(/a Date is not plain data/);
    expect(() => cloneData({ f: () => 1 })).toThrow(/a function is not plain data/);
    expect(() => cloneData({ n: 1n })).toThrow(/a bigint is not plain data/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => cloneData(cyclic)).toThrow(/nested deeper than 64/);
  });
});
