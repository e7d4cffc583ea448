/** snake_case YAML keys become camelCase in code (`adv_cap_pct` -> `advCapPct`), in types and at run time. */
export type CamelCase<S extends string> = S extends `${infer H}_${infer T}` ? `${H}${Capitalize<CamelCase<T>>}` : S;

export type Camelize<T> = T extends readonly unknown[]
  ? { -readonly [K in keyof T]: Camelize<T[K]> }
  : T extends object
    ? { [K in keyof T as K extends string ? CamelCase<K> : K]: Camelize<T[K]> }
    : T;

export const camelCase = (s: string): string => s.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());

export function camelizeKeys<T>(value: T): Camelize<T> {
  if (Array.isArray(value)) return value.map((v: unknown) => camelizeKeys(v)) as Camelize<T>;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[camelCase(k)] = camelizeKeys(v);
    return out as Camelize<T>;
  }
  return value as Camelize<T>;
}
