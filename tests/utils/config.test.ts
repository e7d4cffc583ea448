import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { HARD_LIMITS, loadConfig, readYamlFile, validateCfg } from '../../src/utils/config.js';
import { ConfigError } from '../../src/utils/errors.js';
import { BASE_YAML, readText, SLEEVE_YAML, tmp } from '../helpers.js';

type Raw = Record<string, Record<string, unknown>>;
const rawConfig = (): Raw => ({
  ...(parse(readText(BASE_YAML)) as Raw),
  ...(parse(readText(SLEEVE_YAML)) as Raw),
});

function problemsOf(raw: unknown): { path: string; rule: string }[] {
  try {
    validateCfg(raw, 'test.yaml');
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('expected the config to be rejected');
}

describe('validateCfg', () => {
  it('accepts the shipped base.yaml + sleeve.yaml and exposes camelCase keys', () => {
    const { cfg, hash, files } = loadConfig(BASE_YAML, SLEEVE_YAML);
    expect(files).toEqual([BASE_YAML, SLEEVE_YAML]);
    expect(hash).toMatch(/^[0-9a-f]{16}$/);
    expect(cfg.risk.advCapPct).toBe(1);
    expect(cfg.risk.maxDrawdownPct).toBe(15);
    expect(cfg.risk.drawdownSoftLevels).toEqual([
      { drawdownPct: 5, grossScale: 0.75 },
      { drawdownPct: 10, grossScale: 0.5 },
    ]);
    expect(cfg.sleeve.budgetPctNav).toBe(0.5);
    expect(cfg.schedule.barInterval).toBe('1h');
    expect(cfg.sim).toEqual({ start: '2026-01-01T00:00:00Z', days: 30, seed: 1, initialCashUsd: 100000, speed: 0 });
    expect(loadConfig(BASE_YAML, SLEEVE_YAML).hash).toBe(hash);
  });

  it.each([
    ['risk', 'max_drawdown_pct', HARD_LIMITS.maxDrawdownPct],
    ['risk', 'adv_cap_pct', HARD_LIMITS.advCapPct],
    ['sleeve', 'budget_pct_nav', HARD_LIMITS.sleeveBudgetPctNav],
  ])('enforces the hard limit %s.%s <= %d', (section, key, limit) => {
    const atLimit = rawConfig();
    atLimit[section]![key] = limit;
    if (key === 'max_drawdown_pct') atLimit.risk!.drawdown_soft_levels = [];
    expect(() => validateCfg(atLimit)).not.toThrow();
    const over = rawConfig();
    over[section]![key] = limit + 0.01;
    expect(problemsOf(over)).toEqual([
      {
        path: `${section}.${key}`,
        rule: `must be <= ${limit} (hard limit, cannot be raised by config) (got ${limit + 0.01})`,
      },
    ]);
  });

  it('reports every unknown key, missing key and broken rule in one error, sorted by path', () => {
    const raw = rawConfig();
    raw.risk!.max_drawdown_pct = 25;
    raw.risk!.colour = 'red';
    raw.bogus = {};
    delete raw.meta!.min_sharpe;
    raw.schedule!.bar_interval = '2h';
    raw.universe!.min_market_cap_usd = 1e9;
    const problems = problemsOf(raw);
    expect(problems.map((p) => p.path)).toEqual([
      'bogus',
      'meta.min_sharpe',
      'risk.colour',
      'risk.max_drawdown_pct',
      'schedule.bar_interval',
    ]);
    expect(problems[0]!.rule).toBe('unknown key (not part of the schema)');
    expect(problems[1]!.rule).toBe('is required (number)');
    expect(problems[4]!.rule).toMatch(/^Invalid option: expected one of "5m"\|"1h" \(got "2h"\)$/);
  });

  it('checks relations between keys once the shapes are right', () => {
    const raw = rawConfig();
    raw.universe!.min_market_cap_usd = 1e9;
    raw.sleeve!.min_dte_days = 100;
    raw.sleeve!.delta_min = 0.2;
    raw.risk!.drawdown_soft_levels = [
      { drawdown_pct: 10, gross_scale: 0.5 },
      { drawdown_pct: 5, gross_scale: 0.25 },
      { drawdown_pct: 16, gross_scale: 0.1 },
    ];
    (raw.risk!.corr_spike as Record<string, unknown>).short_window_bars = 400;
    (raw.market!.synthetic as Record<string, unknown>).micro_cap_vol_annual_pct = [200, 100];
    raw.market!.source = 'recorded';
    (raw.alpha!.classifier as Record<string, unknown>).purge_hours = 3;
    raw.schedule!.bar_interval = '5m';
    expect(problemsOf(raw)).toEqual([
      { path: 'alpha.classifier.purge_hours', rule: 'must be >= alpha.classifier.horizon_hours (labels would leak across the gap) (got 3)' },
      { path: 'execution.order_ttl_ms', rule: 'must be at most half a bar (150000 ms for schedule.bar_interval 5m): execution works its orders within the cycle (got 600000)' },
      { path: 'market.recorded_dir', rule: 'is required when market.source is recorded' },
      { path: 'market.synthetic.micro_cap_vol_annual_pct', rule: 'must be [low, high] with low <= high' },
      { path: 'risk.corr_spike.short_window_bars', rule: 'must be below risk.corr_spike.long_window_bars (got 400)' },
      { path: 'risk.drawdown_soft_levels.1.drawdown_pct', rule: 'levels must increase (risk.drawdown_soft_levels.0.drawdown_pct is 10) (got 5)' },
      { path: 'risk.drawdown_soft_levels.2.drawdown_pct', rule: 'must be below risk.max_drawdown_pct (got 16)' },
      { path: 'sleeve.delta_min', rule: 'must be <= sleeve.delta_max (got 0.2)' },
      { path: 'sleeve.min_dte_days', rule: 'must be <= sleeve.max_dte_days (got 100)' },
      { path: 'universe.min_market_cap_usd', rule: 'must be below universe.max_market_cap_usd (got 1000000000)' },
    ]);
  });

  it('refuses a take-profit resting on the exchange without a take-profit price', () => {
    const raw = rawConfig();
    (raw.exits as Record<string, unknown>).take_profit_pct = null;
    expect(problemsOf(raw)).toEqual([{ path: 'exits.take_profit_on_exchange', rule: 'needs exits.take_profit_pct (the price the order rests at); set it to false when take_profit_pct is null (got true)' }]);
    (raw.exits as Record<string, unknown>).take_profit_on_exchange = false;
    expect(validateCfg(raw, 'test.yaml').exits).toMatchObject({ takeProfitPct: null, takeProfitOnExchange: false });
  });

  it('rejects a config that is not a mapping', () => {
    expect(problemsOf(null)).toEqual([{ path: '', rule: 'Invalid input: expected object, received null' }]);
  });

  it('formats the error message with the file and one line per problem', () => {
    const raw = rawConfig();
    raw.risk!.adv_cap_pct = 3;
    expect(() => validateCfg(raw, 'x.yaml')).toThrow(
      'invalid config x.yaml:\n  - risk.adv_cap_pct: must be <= 2 (hard limit, cannot be raised by config) (got 3)',
    );
  });
});

describe('loadConfig', () => {
  const write = (dir: string, name: string, text: string) => {
    const f = join(dir, name);
    writeFileSync(f, text);
    return f;
  };

  it('names a missing file, a YAML syntax error, a duplicate key and a non-mapping document', () => {
    const dir = tmp();
    expect(() => readYamlFile(join(dir, 'nope.yaml'))).toThrow(`invalid config ${join(dir, 'nope.yaml')}:\n  - (root): cannot read file (ENOENT: no such file or folder)`);
    expect(() => readYamlFile(write(dir, 'bad.yaml', 'risk: [1, 2\n'))).toThrow(/YAML /);
    expect(() => readYamlFile(write(dir, 'dup.yaml', 'a: 1\na: 2\n'))).toThrow(/YAML DUPLICATE_KEY: Map keys must be unique/);
    expect(() => readYamlFile(write(dir, 'list.yaml', '- 1\n- 2\n'))).toThrow('the file must be a YAML mapping of sections');
    expect(() => readYamlFile(write(dir, 'empty.yaml', ''))).toThrow('the file must be a YAML mapping of sections');
  });

  it('takes the sleeve section from the sleeve file, or from the main file when there is none', () => {
    const dir = tmp();
    const raw = rawConfig();
    const inline = write(dir, 'inline.yaml', stringify(raw));
    expect(loadConfig(inline, null).cfg.sleeve.budgetPctNav).toBe(0.5);
    expect(() => loadConfig(inline, SLEEVE_YAML)).toThrow(
      `invalid config ${inline} + ${SLEEVE_YAML}:\n  - sleeve: defined in both files; keep it in ${SLEEVE_YAML} only`,
    );
    const extra = write(dir, 'sleeve-extra.yaml', 'sleeve: {}\nrisk: {}\n');
    expect(() => loadConfig(BASE_YAML, extra)).toThrow('risk: unknown key (a sleeve file holds only the `sleeve` section)');
    expect(() => loadConfig(BASE_YAML, null)).toThrow('sleeve: is required (object)');
  });
});

describe('renamed keys', () => {
  it('an older config with the pump model spans in bars is told their new names', () => {
    const file = join(tmp(), 'old.yaml');
    writeFileSync(file, readText(BASE_YAML).replace('horizon_hours: 6 ', 'horizon_bars: 6 '));
    expect(() => loadConfig(file, SLEEVE_YAML)).toThrow(/alpha\.classifier\.horizon_bars: unknown key \(not part of the schema; renamed horizon_hours: the pump model's spans are in hours \(the same numbers at 1h bars\)\)/);
  });
});
