import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJsonlLog } from '../../src/state/jsonl-log.js';
import type { EngineState } from '../../src/state/schema.js';
import { REPO, tmp } from '../helpers.js';
import { spawnCoce } from './process.js';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.COCE_REQUIRE_CHROMIUM) throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium package`);
/** Screenshots of the console, kept after the run (CI's artefacts). */
const ARTIFACTS = join(REPO, 'artifacts', 'console');

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

const until = async (what: string, ok: () => Promise<boolean> | boolean, ms = 30_000) => {
  const t0 = Date.now();
  while (!(await ok())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

const usd = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: 2, minimumFractionDigits: 2 });

describe('the operator console of a paced sim', () => {
  it('serves the figures as JSON and events; read-only; nothing before the first cycle', async () => {
    const cwd = tmp('coce-console-');
    const port = await freePort();
    const run = spawnCoce(['run', '--mode', 'sim', '--days', '1', '--speed', '36000', '--console-port', String(port)], { cwd });
    const base = `http://127.0.0.1:${port}`;
    await until('the console to answer', async () => (await fetch(`${base}/api/status`).catch(() => null))?.status === 200);
    const post = await fetch(`${base}/api/control/pause-entries`, { method: 'POST' });
    expect(post.status).toBe(403); // no COCE_CONSOLE_TOKEN: read-only
    expect((await fetch(`${base}/api/status`, { method: 'PUT' })).status).toBe(405);
    expect((await fetch(`${base}/nope`)).status).toBe(404);
    const page = await fetch(`${base}/`);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(await page.text()).toContain('<script src="/assets/uPlot.iife.min.js"></script>');
    expect((await fetch(`${base}/assets/uPlot.iife.min.js`)).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const done = await run.done;
    expect(done.code).toBe(0);
    const state = JSON.parse(readFileSync(join(cwd, 'data', 'state.json'), 'utf8')) as EngineState;
    expect(state.lastCompletedCycle).not.toBeNull();
  }, 60_000);

  it.skipIf(!haveChromium)('in headless Chromium: NAV, positions and alarms as in state and logs, updated without a reload, at phone and desktop widths', async () => {
    const cwd = tmp('coce-console-');
    const port = await freePort();
    // with the options sleeve: it buys on the first day
    const run = spawnCoce(['run', '--mode', 'sim', '--days', '3', '--sleeve', 'all', '--speed', '36000', '--console-port', String(port)], { cwd });
    const base = `http://127.0.0.1:${port}`;
    await until('the console to answer', async () => (await fetch(`${base}/api/status`).catch(() => null)) !== null);
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    mkdirSync(ARTIFACTS, { recursive: true });
    try {
      const views = { phone: { width: 390, height: 844 }, desktop: { width: 1280, height: 800 } };
      const pages = await Promise.all(
        Object.entries(views).map(async ([name, viewport]) => {
          const page = await browser.newPage({ viewport });
          const problems: string[] = [];
          page.on('console', (m) => {
            if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
          });
          page.on('pageerror', (e) => problems.push(e.message));
          await page.goto(`${base}/`);
          return { name, page, problems };
        }),
      );
      for (const { name, page, problems } of pages) {
        const cycle = async () => Number((await page.locator('body').getAttribute('data-cycle')) ?? 'NaN');
        await until(`${name}: a first snapshot`, async () => Number.isFinite(await cycle()));
        const first = await cycle();
        // pushed by the server: the same page, not reloaded, moves on
        await until(`${name}: an update without a reload`, async () => (await cycle()) >= first + 3);
        expect(problems, name).toEqual([]);
        const chart = await page.locator('#chart canvas').first().boundingBox();
        expect(chart!.width, name).toBeGreaterThan(name === 'phone' ? 300 : 1000);
        // nothing wider than the screen but the tables' own scroll boxes
        expect(await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth), name).toBeLessThanOrEqual(views[name as keyof typeof views].width);
        await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
      }
      // the run ends: its last snapshot is what the pages show, and it is what state and logs say
      expect((await run.done).code).toBe(0);
      const state = JSON.parse(readFileSync(join(cwd, 'data', 'state.json'), 'utf8')) as EngineState;
      const alarms = readJsonlLog(join(cwd, 'logs', 'meta_events.jsonl')).filter((e) => e.type === 'pump_alarm');
      const equity = readJsonlLog(join(cwd, 'logs', 'equity.jsonl'));
      expect(alarms.length).toBeGreaterThan(0);
      for (const { name, page } of pages) {
        await until(`${name}: the last cycle`, async () => Number(await page.locator('body').getAttribute('data-cycle')) === state.lastCompletedCycle);
        expect(await page.locator('#nav').textContent(), name).toBe(usd(state.equityCurve.at(-1)!.navUsd));
        expect(await page.locator('#kill').textContent(), name).toBe(state.killSwitch.state);
        const rows = page.locator('#positions tbody tr');
        expect(await rows.count(), name).toBe(Object.keys(state.positions).length);
        for (const [i, sym] of Object.entries(state.positions).sort(([, a], [, b]) => b.qty * b.lastPriceUsd - a.qty * a.lastPriceUsd).map(([s]) => s).entries()) {
          expect(await rows.nth(i).locator('td').first().textContent(), name).toBe(sym);
        }
        const alarmRows = page.locator('#alarms tbody tr');
        expect(await alarmRows.count(), name).toBe(Math.min(20, alarms.length));
        expect(await alarmRows.first().locator('td').first().textContent(), name).toBe(alarms.at(-1)!.symbol);
        expect(await alarmRows.first().locator('td').nth(1).textContent(), name).toBe((alarms.at(-1)!.probability as number).toFixed(3));
        const sleeveRows = page.locator('#sleevepos tbody tr');
        expect(state.sleevePositions.length, name).toBeGreaterThan(0);
        expect(await sleeveRows.count(), name).toBe(state.sleevePositions.length);
        expect(await sleeveRows.first().locator('td').allTextContents(), name).toEqual([state.sleevePositions[0]!.instrument, String(state.sleevePositions[0]!.qty), usd(state.sleevePositions[0]!.markUsd)]);
        // the NAV beside the benchmarks since the run began, worked out here from equity.jsonl alone
        for (const [key, field] of [['nav', 'navUsd'], ['btc', 'benchmarkNavUsd'], ['microCaps', 'universeBenchmarkNavUsd']] as const) {
          const v = equity.map((e) => e[field] as number);
          const peak = Math.max(state.startNavUsd, ...v);
          const worst = Math.max(...v.map((x, i) => 100 * ((Math.max(state.startNavUsd, ...v.slice(0, i + 1)) - x) / Math.max(state.startNavUsd, ...v.slice(0, i + 1)))));
          const cells = page.locator(`#performance tr[data-series="${key}"] td`);
          expect(await cells.allTextContents(), `${name} ${key}`).toEqual([
            expect.any(String),
            `${(100 * (v.at(-1)! / state.startNavUsd - 1)).toFixed(2)} %`,
            `${(100 * ((peak - v.at(-1)!) / peak)).toFixed(2)} %`,
            `${worst.toFixed(2)} %`,
          ]);
        }
        expect(await page.locator('#performance tr[data-series="nav"] td').nth(2).textContent(), name).toBe(`${(equity.at(-1)!.drawdownPct as number).toFixed(2)} %`);
        expect((await page.locator('#ddchart canvas').first().boundingBox())!.width, name).toBeGreaterThan(name === 'phone' ? 300 : 1000);
      }
      // the weekly review of the same folder prints the figures the console shows (one source of numbers)
      const report = spawnCoce(['report', '--since', 'all'], { cwd });
      const rep = await report.done;
      expect(rep.code).toBe(0);
      const row = async (key: string) => (await pages[0]!.page.locator(`#performance tr[data-series="${key}"] td`).allTextContents()).slice(1, 3);
      const [[navRet, navDd], [btcRet, btcDd], [mcRet, mcDd]] = [await row('nav'), await row('btc'), await row('microCaps')];
      expect(rep.stdout).toContain(`since start      NAV ${navRet}, drawdown ${navDd}; BTC ${btcRet}, drawdown ${btcDd}; micro-caps ${mcRet}, drawdown ${mcDd}`);
    } finally {
      await browser.close();
      run.kill('SIGKILL');
    }
  }, 90_000);
});

describe('controls from the console reach the engine', () => {
  it('pause entries and flatten all: applied at the next cycle through the order path, audited once with who asked; the token in no log', async () => {
    const cwd = tmp('coce-console-');
    const port = await freePort();
    const token = 'e2e-console-token-4f9c2b7d1a';
    const run = spawnCoce(['run', '--mode', 'sim', '--days', '5', '--speed', '36000', '--console-port', String(port)], { cwd, env: { COCE_CONSOLE_TOKEN: token, LOG_LEVEL: 'info' } });
    const base = `http://127.0.0.1:${port}`;
    try {
      type Status = { cycle: number; positions: { symbol: string }[] };
      let status: Status | null = null;
      await until('a position to flatten', async () => {
        const r = await fetch(`${base}/api/status`).catch(() => null);
        status = r?.status === 200 ? ((await r.json()) as Status) : null;
        return (status?.positions.length ?? 0) > 0;
      });
      const login = await fetch(`${base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
      const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
      const { csrf } = (await login.json()) as { csrf: string };
      const headers = { 'content-type': 'application/json', cookie, 'x-csrf-token': csrf };
      // flatten at once (the position is there now), then pause from the page
      expect((await fetch(`${base}/api/control/flatten`, { method: 'POST', headers, body: '{}' })).status).toBe(202);
      if (haveChromium) {
        // the page's own controls: log in with the token, press "Pause entries"
        const { chromium } = await import('playwright-core');
        const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
        try {
          const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
          await page.goto(`${base}/`);
          await page.locator('#token').fill(token);
          await page.locator('#login button').click();
          await page.locator('#actions').waitFor({ state: 'visible' });
          await page.locator('[data-control="pause-entries"]').click();
          await until('the page to confirm', async () => ((await page.locator('#said').textContent()) ?? '') === 'pause-entries: applied at the next cycle');
          // applied at the next cycle: the page says so, and who asked
          await until('the page to show entries paused', async () => page.locator('#paused').isVisible());
          expect(await page.locator('#killreason').textContent()).toMatch(/^entries paused by console session [A-Za-z0-9_-]{6} from 127\.0\.0\.1 since cycle \d+$/);
        } finally {
          await browser.close();
        }
      } else expect((await fetch(`${base}/api/control/pause-entries`, { method: 'POST', headers, body: '{}' })).status).toBe(202);
      const done = await run.done;
      expect(done.code).toBe(0);
      const meta = readJsonlLog(join(cwd, 'logs', 'meta_events.jsonl'));
      const controls = meta.filter((e) => e.type === 'operator_control');
      expect(controls.map((e) => [e.control, e.applied])).toEqual([
        ['flatten', true],
        ['pause_entries', true],
      ]);
      for (const c of controls) expect(c.by).toMatch(/^console session [A-Za-z0-9_-]{6} from 127\.0\.0\.1$/);
      const flattenAt = controls[0]!.cycle;
      const at = controls[1]!.cycle;
      expect(at).toBeGreaterThanOrEqual(flattenAt);
      const trades = readJsonlLog(join(cwd, 'logs', 'trades.jsonl'));
      // every position held then was sold as the operator's exit, through the order path
      const flattened = trades.filter((e) => e.type === 'exit_signal' && e.cycle === flattenAt);
      expect(flattened.length).toBeGreaterThan(0);
      expect(flattened.every((e) => e.exit === 'operator')).toBe(true);
      expect(trades.filter((e) => e.type === 'trade_closed' && e.exit === 'operator').length).toBe(flattened.length);
      // paused from then on: no buy
      expect(trades.filter((e) => e.type === 'order_placed' && e.side === 'buy' && (e.cycle) >= at)).toEqual([]);
      const state = JSON.parse(readFileSync(join(cwd, 'data', 'state.json'), 'utf8')) as EngineState;
      expect(state.operator).toMatchObject({ entriesPaused: true, sinceCycle: at });
      for (const f of ['meta_events.jsonl', 'trades.jsonl', 'equity.jsonl']) expect(readFileSync(join(cwd, 'logs', f), 'utf8')).not.toContain(token);
      expect(done.stdout + done.stderr).not.toContain(token);
    } finally {
      run.kill('SIGKILL');
    }
  }, 90_000);

  it('a request queued just before the daemon is killed is applied once after the restart, even without the console', async () => {
    const cwd = tmp('coce-console-');
    const port = await freePort();
    const token = 'e2e-console-token-crash-77d1';
    // 10 s a bar: the request goes in right after the first cycle, seconds before the second
    const run = spawnCoce(['run', '--mode', 'sim', '--days', '2', '--speed', '360', '--console-port', String(port)], { cwd, env: { COCE_CONSOLE_TOKEN: token } });
    const base = `http://127.0.0.1:${port}`;
    let id = '';
    try {
      await until('a first cycle', async () => (await fetch(`${base}/api/status`).catch(() => null))?.status === 200);
      const login = await fetch(`${base}/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
      const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
      const { csrf } = (await login.json()) as { csrf: string };
      const r = await fetch(`${base}/api/control/pause-entries`, { method: 'POST', headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrf }, body: '{}' });
      expect(r.status).toBe(202);
      id = ((await r.json()) as { id: string }).id;
      // every screen shows it waiting at once, seconds before the cycle that applies it
      expect(((await (await fetch(`${base}/api/status`)).json()) as { requestsWaiting: number }).requestsWaiting).toBe(1);
    } finally {
      run.kill('SIGKILL');
    }
    await run.done;
    const file = join(cwd, 'data', 'operator-requests.json');
    expect((JSON.parse(readFileSync(file, 'utf8')) as { pending: { id: string }[] }).pending.map((p) => p.id)).toEqual([id]);
    expect(readJsonlLog(join(cwd, 'logs', 'meta_events.jsonl')).filter((e) => e.type === 'operator_control')).toEqual([]);
    // restarted without a console: the request is still applied, once
    const again = await spawnCoce(['run', '--mode', 'sim', '--days', '2', '--speed', '36000'], { cwd, env: { LOG_LEVEL: 'info' } }).done;
    expect(again.code).toBe(0);
    expect(again.stdout + again.stderr).toContain('operator requests made before the last stop, not applied yet: applied at the next cycle');
    const applied = readJsonlLog(join(cwd, 'logs', 'meta_events.jsonl')).filter((e) => e.type === 'operator_control');
    expect(applied.map((e) => [e.id, e.control, e.applied])).toEqual([[id, 'pause_entries', true]]);
    const state = JSON.parse(readFileSync(join(cwd, 'data', 'state.json'), 'utf8')) as EngineState;
    expect(state.operator).toMatchObject({ entriesPaused: true, sinceCycle: applied[0]!.cycle });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ version: 1, pending: [] });
  }, 60_000);

  it('a new run does not inherit the waiting requests of an earlier run', async () => {
    const cwd = tmp('coce-console-');
    mkdirSync(join(cwd, 'data'));
    const file = join(cwd, 'data', 'operator-requests.json');
    writeFileSync(file, JSON.stringify({ version: 1, pending: [{ id: 'old-run', kind: 'flatten', symbol: null, by: 'telegram chat 111' }] }));
    const done = await spawnCoce(['run', '--mode', 'sim', '--days', '1'], { cwd, env: { LOG_LEVEL: 'info' } }).done;
    expect(done.code).toBe(0);
    expect(done.stdout + done.stderr).toContain('operator requests left by an earlier run in this folder: dropped, not applied to this new run');
    expect(readJsonlLog(join(cwd, 'logs', 'meta_events.jsonl')).filter((e) => e.type === 'operator_control')).toEqual([]);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ version: 1, pending: [] });
  }, 60_000);
});
