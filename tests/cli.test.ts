import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';
import { BASE_YAML, memoryIo, offlineConfig, readText, tmp } from './helpers.js';

const runSim = async (cwd: string, args: string[] = [], env: NodeJS.ProcessEnv = {}) => {
  const io = memoryIo(cwd, { LOG_LEVEL: 'warn', ...env });
  const code = await main(['run', '--mode', 'sim', ...args], io);
  return { code, out: io.out(), err: io.err() };
};

/** Everything a run leaves: state.json and every log, by name. */
const snapshotDir = (dir: string) => ({
  state: readText(join(dir, 'data', 'state.json')),
  logs: Object.fromEntries(readdirSync(join(dir, 'logs')).sort().map((f) => [f, readText(join(dir, 'logs', f))])),
});

describe('coce --version / --help', () => {
  it('prints the version and the commands, exit 0', async () => {
    const io = memoryIo(tmp());
    expect(await main(['--version'], io)).toBe(0);
    expect(io.out()).toBe('0.1.0\n');
    const help = memoryIo(tmp());
    expect(await main(['--help'], help)).toBe(0);
    for (const cmd of ['run [options]', 'validate-config [options] [file]', 'status [options]']) expect(help.out()).toContain(cmd);
    const runHelp = memoryIo(tmp());
    expect(await main(['run', '--help'], runHelp)).toBe(0);
    for (const opt of ['--mode <mode>', '--sleeve <which>', '--days <n>', '--seed <n>', '--speed <x>', '--state-dir <dir>', '--log-dir <dir>', '--restore-backup', '--confirm-live']) {
      expect(runHelp.out()).toContain(opt);
    }
  });

  it('exits 2 on unknown commands, options and bad values, naming them', async () => {
    for (const [args, msg] of [
      [['frobnicate'], "unknown command 'frobnicate'"],
      [['run', '--mode', 'paper'], "argument 'paper' is invalid. Allowed choices are sim, backtest, testnet, live."],
      [['run', '--days', '0'], '--days must be a whole number from 1 to 3650, got "0"'],
      [['run', '--seed', '1.5'], '--seed must be a whole number from 0 to 4294967295, got "1.5"'],
      [['run', '--seed', '4294967296'], '--seed must be a whole number from 0 to 4294967295, got "4294967296"'],
      [['run', '--speed', '-3'], 'must be a number >= 0, got "-3"'],
      [['run', '--sleeve', 'both'], 'Allowed choices are core, convex, all.'],
      [['run', '--bogus'], "unknown option '--bogus'"],
    ] as const) {
      const io = memoryIo(tmp());
      expect(await main([...args], io)).toBe(2);
      expect(io.err()).toContain(msg);
    }
  });
});

describe('coce run --mode sim', () => {
  it('runs 3 days, prints a summary and writes state.json and the logs', async () => {
    const cwd = tmp();
    const { code, out } = await runSim(cwd, ['--days', '3', '--seed', '1']);
    expect(code).toBe(0);
    expect(out).toContain('COCE sim run: 72 cycles this run; end of run');
    expect(out).toContain('last cycle      490967  (2026-01-04T00:00:00.000Z)  cycles run 72');
    // the shipped pump model trades on the first day (a round trip, closed the same day)
    expect(out).toContain('NAV             100,043.80 USD  (cash 100,043.80 USD)');
    expect(out).toContain('positions       0  open orders 0  sleeve options 0');
    expect(out).toContain('kill-switch     active');
    expect(out).toContain(`state           ${join(cwd, 'data', 'state.json')}`);
    const state = JSON.parse(readText(join(cwd, 'data', 'state.json'))) as { equityCurve: unknown[]; lastCompletedCycle: number };
    expect(state.lastCompletedCycle).toBe(490_967);
    expect(state.equityCurve).toHaveLength(72);
    expect(readdirSync(join(cwd, 'logs')).sort()).toEqual(['equity.jsonl', 'meta_events.jsonl', 'trades.jsonl']);
    expect(readText(join(cwd, 'logs', 'equity.jsonl')).trim().split('\n')).toHaveLength(72);
  });

  it('gives identical state.json and logs for the same seed in different folders', async () => {
    const a = tmp();
    const b = tmp();
    await runSim(a, ['--days', '2', '--seed', '9']);
    await runSim(b, ['--days', '2', '--seed', '9']);
    expect(snapshotDir(a)).toEqual(snapshotDir(b));
  });

  it('resumes after the last completed cycle and ends exactly where one long run ends', async () => {
    const once = tmp();
    const twice = tmp();
    await runSim(once, ['--days', '3']);
    await runSim(twice, ['--days', '1']);
    const resumed = await runSim(twice, ['--days', '3']);
    expect(resumed.out).toContain('48 cycles this run, resumed after cycle 490919');
    expect(snapshotDir(twice)).toEqual(snapshotDir(once));
    const again = await runSim(twice, ['--days', '3']);
    expect(again.code).toBe(0);
    expect(again.out).toContain('0 cycles this run');
    expect(snapshotDir(twice)).toEqual(snapshotDir(once));
  });

  it('refuses a state dir that belongs to another run (exit 2), changing nothing', async () => {
    const cwd = tmp();
    await runSim(cwd, ['--days', '1', '--seed', '1']);
    const before = snapshotDir(cwd);
    const other = await runSim(cwd, ['--days', '1', '--seed', '2']);
    expect(other.code).toBe(2);
    expect(other.err).toContain('belongs to another run: seed 1 (this run: 2)');
    const mode = await runSim(cwd, ['--days', '1', '--seed', '1', '--mode', 'backtest']);
    expect(mode.code).toBe(2);
    expect(mode.err).toContain('mode sim (this run: backtest)');
    expect(snapshotDir(cwd)).toEqual(before);
  });

  it('stops a corrupt state.json with exit 2, keeps it, and --restore-backup carries on from the backup', async () => {
    const cwd = tmp();
    await runSim(cwd, ['--days', '1']);
    const statePath = join(cwd, 'data', 'state.json');
    writeFileSync(statePath, '{"version":1,"cash');
    const bad = await runSim(cwd, ['--days', '2']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain(`coce: ${statePath} is not valid JSON`);
    expect(bad.err).toContain('with --restore-backup');
    expect(readText(statePath)).toBe('{"version":1,"cash');
    const restored = await runSim(cwd, ['--days', '2', '--restore-backup']);
    expect(restored.code).toBe(0);
    expect(restored.out).toContain('resumed after cycle 490918');
    expect(readText(`${statePath}.replaced`)).toBe('{"version":1,"cash');
    const clean = tmp();
    await runSim(clean, ['--days', '2']);
    expect(readText(statePath)).toBe(readText(join(clean, 'data', 'state.json')));
  });

  it('cuts off log lines of a cycle that never completed', async () => {
    const cwd = tmp();
    await runSim(cwd, ['--days', '1']);
    const equity = join(cwd, 'logs', 'equity.jsonl');
    writeFileSync(equity, readText(equity) + '{"ts":"2026-01-02T01:00:00.000Z","type":"equity","cycle":490920,"nav');
    const out = await runSim(cwd, ['--days', '2'], { LOG_LEVEL: 'info' });
    expect(out.out).toContain('removed lines of a cycle that did not complete before the last stop');
    const clean = tmp();
    await runSim(clean, ['--days', '2']);
    expect(snapshotDir(cwd)).toEqual(snapshotDir(clean));
  });

  it('refuses a fresh run into a log folder that holds another run, and a folder another process holds', async () => {
    const cwd = tmp();
    await runSim(cwd, ['--days', '1', '--seed', '1']);
    const fresh = await runSim(cwd, ['--days', '1', '--seed', '2', '--state-dir', 'data2']);
    expect(fresh.code).toBe(2);
    expect(fresh.err).toContain(`${join(cwd, 'logs')} already holds the logs of another run`);
    expect(existsSync(join(cwd, 'data2', 'state.json'))).toBe(false);
    writeFileSync(join(cwd, 'data', 'coce.lock'), `${process.ppid}\n`);
    const busy = await runSim(cwd, ['--days', '2']);
    expect(busy.code).toBe(2);
    expect(busy.err).toContain(`another coce process (pid ${process.ppid}) is running on ${join(cwd, 'data')}`);
  });

  it('warns when the config changed since the state was written', async () => {
    const cwd = tmp();
    await runSim(cwd, ['--days', '1']);
    const cfg = join(cwd, 'edited.yaml');
    writeFileSync(cfg, readText(BASE_YAML).replace('max_turnover_pct: 30', 'max_turnover_pct: 20'));
    const out = await runSim(cwd, ['--days', '2', '--config', cfg], { LOG_LEVEL: 'info' });
    expect(out.code).toBe(0);
    expect(out.out).toContain('config changed since the state was written');
  });

  it('stops between cycles when signalled, saves, and reports how to resume', async () => {
    const cwd = tmp();
    const io = memoryIo(cwd, { LOG_LEVEL: 'warn' });
    const ac = new AbortController();
    const exits: number[] = [];
    const poll = setInterval(() => {
      const file = join(cwd, 'data', 'state.json');
      const s = existsSync(file) ? (JSON.parse(readText(file)) as { lastCompletedCycle: number | null }) : null;
      if (s !== null && s.lastCompletedCycle !== null && s.lastCompletedCycle >= 490_898) ac.abort();
    }, 5);
    const code = await main(['run', '--days', '30', '--speed', '360000'], { ...io, signal: ac.signal, forceExit: () => exits.push(1) });
    clearInterval(poll);
    expect(code).toBe(0);
    expect(io.out()).toContain('stopped by signal (resume with the same command)');
    const state = JSON.parse(readText(join(cwd, 'data', 'state.json'))) as { lastCompletedCycle: number };
    expect(state.lastCompletedCycle).toBeGreaterThanOrEqual(490_898);
    expect(state.lastCompletedCycle).toBeLessThan(490_896 + 720 - 1);
    expect(exits).toEqual([]);
  });
});

describe('coce run: bad input', () => {
  it('names missing testnet/live keys, needs --confirm-live, and starts testnet on the live loaders', async () => {
    const cwd = tmp();
    const noKeys = memoryIo(cwd);
    expect(await main(['run', '--mode', 'testnet', '--sleeve', 'all'], noKeys)).toBe(2);
    expect(noKeys.err()).toBe(
      'coce: mode testnet needs these environment variables, which are not set: EXCHANGE_API_KEY, EXCHANGE_API_SECRET, TWITTER_BEARER, DERIBIT_CLIENT_ID, DERIBIT_CLIENT_SECRET\n',
    );
    const keys = { EXCHANGE_API_KEY: 'fake-key-1234567', EXCHANGE_API_SECRET: 'fake-secret-7654321', TWITTER_BEARER: 'fake-bearer-000000' };
    const live = memoryIo(cwd, keys);
    expect(await main(['run', '--mode', 'live'], live)).toBe(2);
    expect(live.err()).toBe('coce: mode live trades real money: add --confirm-live to start it\n');
    const testnet = memoryIo(cwd, keys);
    // an exchange that cannot be reached at start-up: exit 2, the step and the cause named, nothing saved
    expect(await main(['run', '--mode', 'testnet', '--config', offlineConfig(cwd)], testnet)).toBe(2);
    expect(testnet.err()).toMatch(/^coce: cannot start: the binance market data \(markets, CoinGecko\) failed \(.*127\.0\.0\.1:1.*\)\. Check market\.sources and the keys, and that the exchange answers, then start again; nothing was saved\.\n$/);
    expect(existsSync(join(cwd, 'data', 'state.json'))).toBe(false);
  });

  it('reads keys from .env in the working folder, the environment winning', async () => {
    const cwd = tmp();
    writeFileSync(join(cwd, '.env'), 'EXCHANGE_API_KEY=from-dotenv-123456\nEXCHANGE_API_SECRET=from-dotenv-654321\nTWITTER_BEARER=x-from-dotenv\nLOG_LEVEL=nonsense\n');
    const io = memoryIo(cwd, { LOG_LEVEL: 'warn' });
    expect(await main(['run', '--mode', 'testnet', '--config', offlineConfig(cwd)], io)).toBe(2);
    expect(io.err()).toContain('coce: cannot start: the binance market data');
    const io2 = memoryIo(cwd);
    expect(await main(['run'], io2)).toBe(2);
    expect(io2.err()).toContain('LOG_LEVEL=nonsense is not a log level');
  });

  it('scrubs secrets from every message, even when LOG_LEVEL is invalid or commander reports the error', async () => {
    const secret = 'sk-live-0123456789abcdef';
    const io = memoryIo(tmp(), { EXCHANGE_API_KEY: secret, LOG_LEVEL: 'verbose' });
    expect(await main(['validate-config', `/tmp/${secret}.yaml`], io)).toBe(2);
    const io2 = memoryIo(tmp(), { EXCHANGE_API_KEY: secret });
    expect(await main(['run', '--days', secret], io2)).toBe(2);
    const all = io.out() + io.err() + io2.out() + io2.err();
    expect(all).toContain('[redacted]');
    expect(all).not.toContain(secret);
  });

  it('rejects --speed outside sim, a recorded source, and a misaligned sim.start', async () => {
    const cwd = tmp();
    const speed = memoryIo(cwd);
    expect(await main(['run', '--mode', 'backtest', '--speed', '10'], speed)).toBe(2);
    expect(speed.err()).toBe('coce: --speed applies to --mode sim only\n');
    const recorded = join(cwd, 'recorded.yaml');
    writeFileSync(recorded, readText(BASE_YAML).replace('source: synthetic', 'source: recorded').replace('recorded_dir: null', 'recorded_dir: data/rec'));
    const rec = memoryIo(cwd);
    expect(await main(['run', '--config', recorded], rec)).toBe(2);
    expect(rec.err()).toContain(`${join(cwd, 'data', 'rec', 'meta.json')} not found`);
    const misaligned = join(cwd, 'misaligned.yaml');
    writeFileSync(misaligned, readText(BASE_YAML).replace('start: "2026-01-01T00:00:00Z"', 'start: "2026-01-01T00:30:00Z"'));
    const mis = memoryIo(cwd);
    expect(await main(['run', '--config', misaligned], mis)).toBe(2);
    expect(mis.err()).toContain('sim.start: must fall on a 1h bar boundary');
  });

  it('exits 2 when the log folder cannot be written, writing no state', async () => {
    const cwd = tmp();
    writeFileSync(join(cwd, 'logs'), 'a file where the folder should be');
    const io = memoryIo(cwd);
    expect(await main(['run', '--days', '1'], io)).toBe(2);
    expect(io.err()).toContain(`log folder ${join(cwd, 'logs')} cannot be written (EEXIST: a file is in the way of the folder)`);
    expect(existsSync(join(cwd, 'data', 'state.json'))).toBe(false);
  });

  it('exits 1 with a stack on an unexpected failure', async () => {
    const io = memoryIo(tmp(), { LOG_LEVEL: 'silent' });
    let calls = 0;
    const code = await main(['run', '--days', '1'], {
      ...io,
      stdout: {
        write: (s: string) => {
          if (++calls > 0 && s.includes('COCE')) throw new TypeError('terminal went away');
          return true;
        },
      },
    });
    expect(code).toBe(1);
    expect(io.err()).toMatch(/^coce: terminal went away\nTypeError: terminal went away\n {4}at /);
  });

  it('runs the options sleeve next to the core book when asked for it', async () => {
    const { code, out } = await runSim(tmp(), ['--days', '1', '--sleeve', 'all']);
    expect(code).toBe(0);
    expect(out).toContain('positions       0  open orders 0  sleeve options 2');
  });
});

describe('coce validate-config', () => {
  it('accepts the shipped files and prints the hard limits', async () => {
    const io = memoryIo(tmp());
    expect(await main(['validate-config'], io)).toBe(0);
    expect(io.out()).toMatch(/config\/base\.yaml \+ .*config\/sleeve\.yaml: valid \(config [0-9a-f]{16}\)\n/);
    expect(io.out()).toContain('hard limits: risk.max_drawdown_pct 15 (<= 18), risk.adv_cap_pct 1 (<= 2), sleeve.budget_pct_nav 0.5 (<= 0.5)');
  });

  it('exits 2 on a copy with max_drawdown_pct 25 and an unknown key, naming both key paths', async () => {
    const cwd = tmp();
    const file = join(cwd, 'bad.yaml');
    writeFileSync(
      file,
      readText(BASE_YAML)
        .replace('max_drawdown_pct: 15', 'max_drawdown_pct: 25')
        .replace('  max_slippage_bps: 50', '  max_slippage_bps: 50\n  max_slipage_bps: 40'),
    );
    const io = memoryIo(cwd);
    expect(await main(['validate-config', file], io)).toBe(2);
    expect(io.err()).toContain('  - execution.max_slipage_bps: unknown key (not part of the schema)\n');
    expect(io.err()).toContain('  - risk.max_drawdown_pct: must be <= 18 (hard limit, cannot be raised by config) (got 25)\n');
    expect(io.out()).toBe('');
  });

  it('validates a file that carries its own sleeve section with --no-sleeve-config', async () => {
    const cwd = tmp();
    const file = join(cwd, 'all.yaml');
    writeFileSync(file, readText(BASE_YAML) + '\n' + readText(join(BASE_YAML, '..', 'sleeve.yaml')));
    const io = memoryIo(cwd);
    expect(await main(['validate-config', file, '--no-sleeve-config'], io)).toBe(0);
    expect(io.out()).toContain(`${file}: valid`);
  });
});

describe('coce status', () => {
  it('prints NAV, positions, drawdown, kill-switch and last cycle; --json gives the report', async () => {
    const cwd = tmp();
    await runSim(cwd, ['--days', '1']);
    const io = memoryIo(cwd);
    expect(await main(['status'], io)).toBe(0);
    expect(io.out()).toBe(
      [
        join(cwd, 'data', 'state.json'),
        'mode            sim  seed 1',
        'last cycle      490919  (2026-01-02T00:00:00.000Z)  cycles run 24',
        'NAV             100,043.80 USD  (cash 100,043.80 USD)',
        'return          0.04 %  from 100,000.00 USD at the start of the run',
        'drawdown        0.00 % now, 0.05 % worst in the last 24 bars  (peak 100,043.80 USD)',
        'kill-switch     active',
        'positions       0  open orders 0  sleeve options 0',
        '',
      ].join('\n'),
    );
    const json = memoryIo(cwd);
    expect(await main(['status', '--json'], json)).toBe(0);
    expect(JSON.parse(json.out())).toMatchObject({ mode: 'sim', cycles: 24, navUsd: 100043.79505344428, killSwitch: { state: 'active' }, operator: { entriesPaused: null, requestsWaiting: 0 } });
    // the operator's hand: entries paused, and requests from the console or Telegram not applied yet
    const statePath = join(cwd, 'data', 'state.json');
    const st = JSON.parse(readFileSync(statePath, 'utf8')) as Record<string, unknown>;
    writeFileSync(statePath, JSON.stringify({ ...st, operator: { entriesPaused: true, by: 'telegram chat 111', sinceCycle: 490910 } }));
    writeFileSync(join(cwd, 'data', 'operator-requests.json'), JSON.stringify({ version: 1, pending: [{ id: 'r1', kind: 'resume_entries', by: 'telegram chat 111' }, { id: 'r2', kind: 'flatten', symbol: null, by: 'telegram chat 111' }] }));
    const op = memoryIo(cwd);
    expect(await main(['status'], op)).toBe(0);
    expect(op.out()).toContain('positions       0  open orders 0  sleeve options 0\noperator        entries paused by telegram chat 111 since cycle 490910; 2 requests waiting for the next cycle\n');
    writeFileSync(join(cwd, 'data', 'operator-requests.json'), '{"version":2}');
    const damaged = memoryIo(cwd);
    expect(await main(['status'], damaged)).toBe(2);
    expect(damaged.err()).toContain('operator-requests.json is damaged');
  });

  it('exits 2 when there is no state or it is corrupt', async () => {
    const cwd = tmp();
    const none = memoryIo(cwd);
    expect(await main(['status', '--state-dir', 'nowhere'], none)).toBe(2);
    expect(none.err()).toBe(`coce: no state in ${join(cwd, 'nowhere', 'state.json')}: nothing has run with this --state-dir yet\n`);
    await runSim(cwd, ['--days', '1']);
    writeFileSync(join(cwd, 'data', 'state.json'), '[]');
    const bad = memoryIo(cwd);
    expect(await main(['status'], bad)).toBe(2);
    expect(bad.err()).toContain('is not a state object (it holds an array)');
    expect(readFileSync(join(cwd, 'data', 'state.json'), 'utf8')).toBe('[]');
  });
});
