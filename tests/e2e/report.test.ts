import { readJsonlLog } from '../../src/state/jsonl-log.js';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { trainFromConfig } from '../../src/agent/pump-training.js';
import { writeModelFile } from '../../src/alpha/model-file.js';
import { main } from '../../src/cli.js';
import { loadReview, parseSince } from '../../src/ops/review-report.js';
import { FileStateStore } from '../../src/state/state-store.js';
import type { Config } from '../../src/utils/config.js';
import { baseConfig, BASE_YAML, memoryIo, tmp } from '../helpers.js';

const CHROMIUM = '/usr/bin/chromium';
// .ci/run installs Debian's chromium and sets COCE_REQUIRE_CHROMIUM: there a missing browser fails the test
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.COCE_REQUIRE_CHROMIUM) throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium package`);


describe('coce report on a 180-day run', () => {
  const cwd = tmp();
  let html = '';
  let out = '';
  beforeAll(async () => {
    const cfgFile = join(cwd, 'small.yaml');
    writeFileSync(cfgFile, readFileSync(BASE_YAML, 'utf8').replace(/micro_caps: 80 /, 'micro_caps: 30 '));
    const base = baseConfig();
    const cfg: Config = { ...base, market: { ...base.market, synthetic: { ...base.market.synthetic, microCaps: 30 } } };
    mkdirSync(join(cwd, 'data'));
    writeModelFile(join(cwd, 'data', 'model.json'), await trainFromConfig(cfg, 5, 30));
    expect(await main(['run', '--mode', 'backtest', '--sleeve', 'all', '--days', '180', '--seed', '8', '--config', cfgFile], memoryIo(cwd, { LOG_LEVEL: 'warn' }))).toBe(0);
    const io = memoryIo(cwd);
    expect(await main(['report', '--since', '7d', '--out', 'review.html'], io)).toBe(0);
    out = io.out();
    html = readFileSync(join(cwd, 'review.html'), 'utf8');
  }, 180_000);

  it('writes one self-contained page whose charts and tables match the last 7 days of the logs', () => {
    expect(html).not.toMatch(/<script|<link|src=|https?:\/\//); // nothing to fetch, nothing to run
    const equity = readJsonlLog(join(cwd, 'logs', 'equity.jsonl'));
    const lastMs = Date.parse(equity.at(-1)!.ts);
    const week = equity.filter((e) => Date.parse(e.ts) > lastMs - 7 * 86_400_000);
    expect(week).toHaveLength(7 * 24);
    expect(html).toContain(`data-series="NAV" data-points="${week.length}"`);
    // the NAV's and both benchmarks' drawdowns, one point a bar (the benchmarks from the run's first bar on)
    for (const series of ['NAV drawdown %', 'BTC drawdown %', 'micro-caps drawdown %']) expect(html).toContain(`data-series="${series}" data-points="${week.length}"`);
    // the console's tracking of the run reproduces the engine's own drawdown, bar by bar, over 180 days
    const st0 = new FileStateStore(join(cwd, 'data')).load()!;
    const all = loadReview(join(cwd, 'logs'), st0, 'all');
    expect(all.points.map((p) => p.navDrawdownPct)).toEqual(equity.map((e) => e.drawdownPct));
    expect(all.snapshot.performance.nav!.drawdownPct).toBe(equity.at(-1)!.drawdownPct);
    expect(html).toContain(`data-table="positions" data-rows="${Object.keys(st0.positions).length}"`);
    const trades = readJsonlLog(join(cwd, 'logs', 'trades.jsonl')).filter((e) => Date.parse(e.ts) > lastMs - 7 * 86_400_000);
    const meta = readJsonlLog(join(cwd, 'logs', 'meta_events.jsonl')).filter((e) => Date.parse(e.ts) > lastMs - 7 * 86_400_000);
    expect(html).toContain(`data-table="trades" data-rows="${trades.filter((e) => e.type === 'trade_closed').length}"`);
    expect(html).toContain(`data-table="guardrails" data-rows="${meta.filter((e) => e.type === 'guardrail_trip').length}"`);
    expect(html).toContain(`data-table="killswitch" data-rows="${meta.filter((e) => ['daily_audit', 'weekly_audit', 'halt', 'resume', 'reconcile_mismatch'].includes(e.type)).length}"`);
    expect(html).toContain(`data-table="sleeve" data-rows="${trades.filter((e) => e.type === 'option_fill' || e.type === 'option_settled').length}"`);
    const nav0 = week[0]!.navUsd as number;
    const nav1 = week.at(-1)!.navUsd as number;
    expect(out).toContain(`(${(100 * (nav1 / nav0 - 1)).toFixed(2)} %)`);
    expect(out).toMatch(/^COCE review \d{4}-\d\d-\d\d \d\d:\d\d to \d{4}-\d\d-\d\d \d\d:\d\d UTC\n/);
    expect(out).toContain(`report          ${join(cwd, 'review.html')}`);
    // one cluster bar per cluster of what is held now
    const st = JSON.parse(readFileSync(join(cwd, 'data', 'state.json'), 'utf8')) as { positions: Record<string, { qty: number; lastPriceUsd: number }>; clusters: Record<string, number> };
    const held = Object.entries(st.positions).filter(([, p]) => p.qty * p.lastPriceUsd > 0);
    const bars = [...html.matchAll(/data-bar="[^"]+"/g)].length;
    expect(bars).toBe(new Set(held.map(([s]) => st.clusters[s] ?? 'unclustered')).size);
  });

  it.skipIf(!haveChromium)('renders in headless Chromium without console errors, with its charts drawn', async () => {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
      });
      page.on('pageerror', (e) => problems.push(e.message));
      await page.goto(pathToFileURL(join(cwd, 'review.html')).href);
      expect(problems).toEqual([]);
      for (const id of ['equity', 'drawdown', 'clusters']) {
        const box = await page.locator(`figure[data-chart="${id}"] svg`).boundingBox();
        expect(box!.width, id).toBeGreaterThan(500);
        expect(box!.height, id).toBeGreaterThan(40); // the cluster chart is one 22-px row per cluster
      }
      const pathLen = await page.locator('path[data-series="NAV"]').evaluate((p) => (p as unknown as { getTotalLength(): number }).getTotalLength());
      expect(pathLen).toBeGreaterThan(100);
      expect(await page.locator('table[data-table="killswitch"] tbody tr').count()).toBeGreaterThan(0);
    } finally {
      await browser.close();
    }
  }, 60_000);

  it('says clearly what is wrong with its input', async () => {
    expect(parseSince('all')).toBeNull();
    expect(parseSince('36h')).toBe(36 * 3_600_000);
    const bad = memoryIo(cwd);
    expect(await main(['report', '--since', 'week'], bad)).toBe(2);
    expect(bad.err()).toContain('--since must look like 7d, 36h or all (got "week")');
    const noLogs = memoryIo(cwd);
    expect(await main(['report', '--log-dir', 'typo'], noLogs)).toBe(2);
    expect(noLogs.err()).toContain(`${join(cwd, 'typo')} holds no equity.jsonl: not the log folder of a run (--log-dir)`);
    expect(await main(['report', '--since', '0d'], memoryIo(cwd))).toBe(2);
    const none = memoryIo(tmp());
    expect(await main(['report'], none)).toBe(2);
    expect(none.err()).toMatch(/no state in .*state\.json: nothing to review/);
  });
});
