import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { camelizeKeys, type Camelize } from './camel-case.js';
import { configSchema, type RawConfig } from './config-schema.js';
import { ConfigError, describeFsError, type ConfigProblem } from './errors.js';

/** Keys of the pump model that became hours (2026-12-02), so an older config is told what to write instead. */
const RENAMED_TO_HOURS = new Set(['window_bars', 'refit_every_bars', 'rolling_sum_bars', 'sentiment_change_bars', 'horizon_bars', 'purge_bars']);

export { HARD_LIMITS } from './config-schema.js';

/** The validated configuration, with camelCase keys (`cfg.risk.advCapPct`). */
export type Config = Camelize<RawConfig>;

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let v = raw;
  for (const k of path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}

function describeIssue(issue: z.core.$ZodIssue, raw: unknown): ConfigProblem[] {
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((k) => {
      const renamed = path.startsWith('alpha') && RENAMED_TO_HOURS.has(k) ? `; renamed ${k.replace(/_bars$/, '_hours')}: the pump model's spans are in hours (the same numbers at 1h bars)` : '';
      return { path: path ? `${path}.${k}` : k, rule: `unknown key (not part of the schema${renamed})` };
    });
  }
  const got = valueAt(raw, issue.path);
  if (issue.code === 'invalid_type' && got === undefined) {
    return [{ path, rule: `is required (${issue.expected})` }];
  }
  const shown =
    issue.code === 'invalid_type' || got === undefined || got === null || typeof got === 'object'
      ? ''
      : ` (got ${JSON.stringify(got)})`;
  return [{ path, rule: issue.message + shown }];
}

/**
 * Validate a parsed config object. Throws one ConfigError listing every offending key path with the rule it broke.
 * `source` names the file(s) in the message.
 */
export function validateCfg(raw: unknown, source = '<config>'): Config {
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.flatMap((i) => describeIssue(i, raw));
    problems.sort((a, b) => a.path.localeCompare(b.path));
    throw new ConfigError(source, problems);
  }
  return camelizeKeys(parsed.data);
}

/**
 * Parse YAML text into plain data; syntax errors, duplicate keys and aliases that expand past the parser's limit (a
 * "billion laughs" file) are ConfigErrors naming `file`.
 */
export function parseYamlText(text: string, file: string): unknown {
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => ({ path: '', rule: `YAML ${e.code}: ${e.message.split('\n')[0] ?? ''}` })),
    );
  }
  try {
    return doc.toJS({ maxAliasCount: 1000 });
  } catch (err) {
    // yaml throws a ReferenceError for excessive or unresolved aliases: the file is at fault, not the program
    throw new ConfigError(file, [{ path: '', rule: `YAML: ${(err as Error).message}` }]);
  }
}

/** Parse one YAML file into a plain object; unreadable files, bad YAML and non-mapping documents are ConfigErrors. */
export function readYamlFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, [{ path: '', rule: `cannot read file (${describeFsError(err)})` }]);
  }
  const value = parseYamlText(text, file);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(file, [{ path: '', rule: 'the file must be a YAML mapping of sections' }]);
  }
  return value as Record<string, unknown>;
}

export interface LoadedConfig {
  cfg: Config;
  /** sha256 of the merged, validated config: recorded in state.json to notice config changes across restarts. */
  hash: string;
  files: string[];
}

/**
 * Load the main config file and, if given, the sleeve file (a mapping with one key, `sleeve`), merge and validate.
 * The sleeve section may live in the main file instead, but not in both.
 */
export function loadConfig(configFile: string, sleeveFile: string | null): LoadedConfig {
  const base = readYamlFile(configFile);
  const files = [configFile];
  const merged: Record<string, unknown> = { ...base };
  if (sleeveFile !== null) {
    const sleeveDoc = readYamlFile(sleeveFile);
    files.push(sleeveFile);
    const extra = Object.keys(sleeveDoc).filter((k) => k !== 'sleeve');
    if (extra.length > 0) {
      throw new ConfigError(
        sleeveFile,
        extra.map((k) => ({ path: k, rule: 'unknown key (a sleeve file holds only the `sleeve` section)' })),
      );
    }
    if ('sleeve' in base) {
      throw new ConfigError(`${configFile} + ${sleeveFile}`, [
        { path: 'sleeve', rule: `defined in both files; keep it in ${sleeveFile} only` },
      ]);
    }
    merged.sleeve = sleeveDoc.sleeve;
  }
  const cfg = validateCfg(merged, files.join(' + '));
  const hash = createHash('sha256').update(JSON.stringify(cfg)).digest('hex').slice(0, 16);
  return { cfg, hash, files };
}
