import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readJsonlLog } from '../../src/state/jsonl-log.js';
import { spawnCoce } from '../e2e/process.js';
import { BASE_YAML, tmp } from '../helpers.js';
import { addEvents, consoleSnapshot, newHistory } from '../../src/ops/console/console-figures.js';
import { ControlQueue } from '../../src/ops/console/operator-controls.js';
import { TelegramControl } from '../../src/ops/telegram/telegram-control.js';
import { freshState } from '../agent/context.js';
import { memoryLogger } from '../helpers.js';
import { LoopbackTelegram } from './loopback-telegram.js';

const TOKEN = '123456:loopback-telegram-token';

describe('Telegram commands against a loopback Bot API (grammY)', () => {
  let api: LoopbackTelegram | null = null;
  let bot: TelegramControl | null = null;
  afterEach(async () => {
    await bot?.stop();
    await api?.stop();
  });

  const until = async (ok: () => boolean) => {
    for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 25));
    expect(ok()).toBe(true);
  };

  it('/status, /pause, /resume, /flatten from an allowed chat; refused for an unknown chat; the token in no log', async () => {
    api = await new LoopbackTelegram(TOKEN).start();
    const controls = new ControlQueue();
    const { log, lines } = memoryLogger([TOKEN]);
    bot = new TelegramControl({ token: TOKEN, allowedChatIds: [111], apiRoot: api.base, controls, log });
    const st = freshState(100_000);
    st.lastCompletedCycle = 5;
    st.lastCompletedTs = '2026-01-01T06:00:00.000Z';
    st.equityCurve.push({ cycle: 5, ts: '2026-01-01T06:00:00.000Z', navUsd: 101_000 });
    st.startNavUsd = 100_000;
    st.peakEquityUsd = 102_000;
    st.positions.MC001 = { qty: 1000, avgEntryPriceUsd: 1, lastPriceUsd: 1.1, openedCycle: 3, realizedPnlUsd: 0 };
    // the figures come from the console's snapshot, benchmarks from the equity lines since the run's start
    const history = newHistory();
    addEvents(history, [
      { ts: '2026-01-01T05:00:00.000Z', type: 'equity', navUsd: 102_000, benchmarkNavUsd: 110_000, universeBenchmarkNavUsd: 95_000 },
      { ts: '2026-01-01T06:00:00.000Z', type: 'equity', navUsd: 101_000, benchmarkNavUsd: 99_000, universeBenchmarkNavUsd: 97_000 },
    ], st.startNavUsd);
    bot.update(null);
    await bot.start();
    api.say(111, '/status');
    await until(() => api!.sent.length === 1);
    expect(api.sent.shift()).toEqual({ chatId: 111, text: 'No cycle has completed yet.' });
    st.operator = { entriesPaused: true, by: 'console session abcdef from 127.0.0.1', sinceCycle: 4 };
    bot.update(consoleSnapshot(st, history, 'sim', 2));
    api.say(111, '/status');
    api.say(111, '/pause');
    api.say(111, '/flatten mc001');
    api.say(111, '/resume');
    api.say(999, '/flatten');
    await until(() => api!.sent.length === 5);
    expect(api.sent[0]).toEqual({
      chatId: 111,
      text: ['COCE sim, bar 2026-01-01 06:00 UTC', 'NAV 101,000.00 USD (return 1.00 %, drawdown 0.98 %)', 'buy-and-hold since start: BTC -1.00 % (drawdown 10.00 %), micro-caps -3.00 % (drawdown 3.00 %)', 'kill-switch active', 'entries paused by console session abcdef from 127.0.0.1 since cycle 4', '2 request(s) waiting for the next cycle', '1 position(s):', '  MC001 1,100.00 USD, P&L 10.00 %'].join('\n'),
    });
    expect(api.sent.slice(1, 4).map((m) => m.text.replace(/\(request [0-9a-f]{8}\)/, '(request x)'))).toEqual([
      'pause entries: queued, applied at the next cycle (request x).',
      'flatten MC001: queued, applied at the next cycle (request x).',
      'resume entries: queued, applied at the next cycle (request x).',
    ]);
    expect(api.sent[4]).toEqual({ chatId: 999, text: 'Not authorised: this chat is not in notify.telegram.allowed_chat_ids.' });
    expect(controls.take([]).map((r) => [r.kind, r.symbol ?? null, r.by])).toEqual([
      ['pause_entries', null, 'telegram chat 111'],
      ['flatten', 'MC001', 'telegram chat 111'],
      ['resume_entries', null, 'telegram chat 111'],
    ]);
    expect(lines.join('\n')).toContain('"chat":999');
    expect(lines.join('\n')).not.toContain(TOKEN);
  }, 30_000);

  it('in the daemon: a /pause from the allowed chat is applied at a cycle and audited; the token in no log', async () => {
    api = await new LoopbackTelegram(TOKEN).start();
    const cwd = tmp('coce-telegram-');
    const cfg = join(cwd, 'tg.yaml');
    writeFileSync(cfg, readFileSync(BASE_YAML, 'utf8').replace(/ {2}telegram:\n {4}enabled: false[^\n]*\n {4}allowed_chat_ids: \[\][^\n]*\n {4}api_root: null/, `  telegram:\n    enabled: true\n    allowed_chat_ids: [111]\n    api_root: ${api.base}`));
    expect(readFileSync(cfg, 'utf8')).toContain(`api_root: ${api.base}`);
    const run = spawnCoce(['run', '--mode', 'sim', '--days', '2', '--speed', '36000', '--config', cfg], { cwd, env: { TELEGRAM_BOT_TOKEN: TOKEN, LOG_LEVEL: 'info' } });
    try {
      await until(() => run.stdoutSoFar().includes('telegram commands on'));
      api.say(111, '/pause');
      await until(() => api!.sent.length === 1);
      const done = await run.done;
      expect(done.code).toBe(0);
      const controls = readJsonlLog(join(cwd, 'logs', 'meta_events.jsonl')).filter((e) => e.type === 'operator_control');
      expect(controls.map((e) => [e.control, e.by, e.applied])).toEqual([['pause_entries', 'telegram chat 111', true]]);
      for (const f of ['meta_events.jsonl', 'trades.jsonl']) expect(readFileSync(join(cwd, 'logs', f), 'utf8')).not.toContain(TOKEN);
      expect(done.stdout + done.stderr).not.toContain(TOKEN);
    } finally {
      run.kill('SIGKILL');
    }
  }, 60_000);
});
