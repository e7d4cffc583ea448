import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { initSentry } from '../../src/ops/sentry.js';
import { SlackNotifier } from '../../src/ops/slack-notifier.js';
import type { EngineState } from '../../src/state/schema.js';
import { BASE_YAML, memoryIo, memoryLogger, tmp } from '../helpers.js';
import { dirArgs, spawnCoce } from './process.js';

/** A loopback Slack incoming webhook: records each posted body; answers 200 "ok" (or what `status` says). */
async function webhook(status = 200) {
  const bodies: { text: string }[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let b = '';
    req.on('data', (c: Buffer) => (b += c.toString()));
    req.on('end', () => {
      bodies.push(JSON.parse(b) as { text: string });
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(status === 200 ? 'ok' : 'invalid_token');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T000/B000/XXXX`, bodies, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('operations', () => {
  it('a paced sim serves /healthz and /metrics, and SIGTERM stops it cleanly with state saved', async () => {
    const dir = tmp();
    const run = spawnCoce(['run', '--mode', 'sim', '--speed', '7200', '--days', '30', '--health-port', '0', ...dirArgs(dir)], { env: { LOG_LEVEL: 'info' } });
    let port = 0;
    for (let i = 0; i < 100 && port === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const log = run.stdoutSoFar();
      const hit = /"port":(\d+),"msg":"health and metrics/.exec(log);
      if (hit) port = Number(hit[1]);
    }
    expect(port).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 1500)); // a few paced cycles
    const h = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(h.status).toBe(200);
    const body = (await h.json()) as { status: string; mode: string; lastCycle: number; lastCycleAgeMs: number; halted: boolean };
    expect(body).toMatchObject({ status: 'ok', mode: 'sim', halted: false });
    expect(body.lastCycle).toBeGreaterThan(490_895);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    for (const name of ['coce_cycle_duration_seconds_count', 'coce_nav_usd 100000', 'coce_drawdown_ratio 0', 'coce_orders_total', 'coce_errors_total', 'coce_halted 0']) expect(metrics).toContain(name);
    expect((await fetch(`http://127.0.0.1:${port}/nope`)).status).toBe(404);
    run.kill('SIGTERM');
    const exit = await run.done;
    expect(exit.code).toBe(0);
    expect(exit.ms).toBeLessThan(30_000);
    const state = JSON.parse(readFileSync(join(dir, 'data', 'state.json'), 'utf8')) as EngineState;
    expect(state.lastCompletedCycle).toBeGreaterThanOrEqual(body.lastCycle);
    expect(exit.stdout).toContain('stopped by signal (resume with the same command)');
  }, 60_000);

  it('a halt in sim reaches Slack (loopback webhook) and meta_events.jsonl; Sentry stays off without a DSN', async () => {
    const hook = await webhook();
    try {
      const cwd = tmp();
      const cfg = join(cwd, 'halt.yaml');
      // an audit that cannot be passed: judged from one day, no trades needed, Sharpe must beat 1 000
      writeFileSync(cfg, readFileSync(BASE_YAML, 'utf8').replace(/min_sharpe: 1.2 /, 'min_sharpe: 1000 ').replace(/min_trades: 10 /, 'min_trades: 0 ').replace(/min_days: 7 /, 'min_days: 1 '));
      const io = memoryIo(cwd, { LOG_LEVEL: 'warn', SLACK_WEBHOOK_URL: hook.url });
      expect(await main(['run', '--mode', 'sim', '--days', '3', '--config', cfg], io)).toBe(0);
      const halt = readFileSync(join(cwd, 'logs', 'meta_events.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; cycle: number; reason: string }).find((e) => e.type === 'halt')!;
      expect(halt).toBeDefined();
      // the first audit (day 1): the book was in cash, Sharpe 0; the shipped model's first trade closes later that day
      expect(halt.reason).toBe('7-day Sharpe 0.00 < 1000');
      expect(hook.bodies.map((b) => b.text).filter((t) => t.startsWith(`:rotating_light: COCE halted trading at cycle ${halt.cycle}: ${halt.reason}`))).toHaveLength(1);
      expect(io.out() + io.err()).not.toContain('/services/T000'); // the webhook URL is a secret
      // a back-test is not the daemon: it pages nobody
      const before = hook.bodies.length;
      expect(await main(['backtest', '--days', '3', '--config', cfg], memoryIo(cwd, { LOG_LEVEL: 'warn', SLACK_WEBHOOK_URL: hook.url }))).toBe(0);
      expect(hook.bodies.length).toBe(before);
      expect(await initSentry(undefined, { environment: 'test', tracesSampleRate: 0, release: 'x', scrub: (t: string) => t })).toBeNull();
      expect(await initSentry('', { environment: 'test', tracesSampleRate: 0, release: 'x', scrub: (t: string) => t })).toBeNull();
    } finally {
      await hook.close();
    }
  });

  it('Slack is rate-limited (halts always pass), never throws, and logs a refused or unreachable webhook', async () => {
    const hook = await webhook(403);
    let now = 0;
    const { log, lines } = memoryLogger();
    const slack = new SlackNotifier({ webhookUrl: hook.url, minIntervalMs: 60_000, log, nowMs: () => now });
    const n = (type: string, severity: 'info' | 'critical', text: string) => ({ type, severity, cycle: 1, text, fields: {} });
    slack.notify(n('daily_audit', 'info', 'a'));
    now = 10_000;
    slack.notify(n('daily_audit', 'info', 'b')); // within the minute: held back
    slack.notify(n('halt', 'critical', 'c')); // halts always go, and say what was held back
    now = 80_000;
    slack.notify(n('daily_audit', 'info', 'd'));
    await slack.flush();
    expect(hook.bodies.map((b) => b.text)).toEqual(['a', ':rotating_light: c (+1 earlier notification not sent: rate limit)', 'd']);
    expect(lines.filter((l) => l.includes('Slack webhook refused the message'))).toHaveLength(3);
    await hook.close();
    const dead = new SlackNotifier({ webhookUrl: hook.url, minIntervalMs: 0, log, timeoutMs: 500 });
    dead.notify(n('halt', 'critical', 'x'));
    await dead.flush();
    expect(lines.some((l) => l.includes('Slack webhook unreachable'))).toBe(true);
  });
});
