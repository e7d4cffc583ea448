import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type * as PromClient from 'prom-client';
import type { EngineState } from '../state/schema.js';
import { currentDrawdown } from '../risk_guardrails/drawdown.js';
import { closeNow, listen } from './http-listen.js';

/** What one completed cycle reports to the health endpoint and the metrics. */
export interface CycleStats {
  ms: number;
  orders: number;
  errors: number;
}

/**
 * The daemon's health and metrics on 127.0.0.1 (notify.health): `/healthz` answers 200 with the last cycle's age and
 * the kill-switch state while cycles keep coming, 503 once the last one is older than `staleAfterMs` (a stuck loop);
 * a halt is reported, not unhealthy (the process is doing what it should). `/metrics` is Prometheus text (prom-client,
 * its own registry): cycle duration, NAV, drawdown, orders, errors, halted.
 */
export class HealthServer {
  // prom-client is loaded when a health server is made (65 ms of module load that runs without one never need)
  private readonly prom = createRequire(import.meta.url)('prom-client') as typeof PromClient;
  private readonly registry = new this.prom.Registry();
  private readonly cycleSeconds = new this.prom.Histogram({ name: 'coce_cycle_duration_seconds', help: 'Wall time of one engine cycle', buckets: [0.001, 0.005, 0.02, 0.1, 0.5, 2, 10, 60, 600], registers: [this.registry] });
  private readonly nav = new this.prom.Gauge({ name: 'coce_nav_usd', help: 'Net asset value after the last cycle (USD)', registers: [this.registry] });
  private readonly drawdown = new this.prom.Gauge({ name: 'coce_drawdown_ratio', help: 'Peak-to-current drawdown after the last cycle (fraction)', registers: [this.registry] });
  private readonly halted = new this.prom.Gauge({ name: 'coce_halted', help: '1 while the kill-switch halts trading', registers: [this.registry] });
  private readonly lastCycle = new this.prom.Gauge({ name: 'coce_last_cycle', help: 'Id of the last completed cycle', registers: [this.registry] });
  private readonly orders = new this.prom.Counter({ name: 'coce_orders_total', help: 'Orders sent (core and options)', registers: [this.registry] });
  private readonly errors = new this.prom.Counter({ name: 'coce_errors_total', help: 'Failed orders, venue and sleeve errors', registers: [this.registry] });
  private server: Server | null = null;
  private last: { cycle: number; atMs: number; halted: boolean; reason: string | null } | null = null;
  private startedMs = 0;

  constructor(
    private readonly o: { mode: string; staleAfterMs: number; nowMs?: () => number },
  ) {}

  private now = (): number => (this.o.nowMs ?? Date.now)();

  update(cycle: number, state: EngineState, stats: CycleStats): void {
    const navUsd = state.equityCurve.at(-1)?.navUsd ?? state.cashUsd;
    this.cycleSeconds.observe(stats.ms / 1000);
    this.nav.set(navUsd);
    this.drawdown.set(currentDrawdown(navUsd, state.peakEquityUsd));
    this.halted.set(state.killSwitch.state === 'halted' ? 1 : 0);
    this.lastCycle.set(cycle);
    this.orders.inc(stats.orders);
    this.errors.inc(stats.errors);
    this.last = { cycle, atMs: this.now(), halted: state.killSwitch.state === 'halted', reason: state.killSwitch.reason };
  }

  /** Listens on host:port (0 = any free port); resolves to the port. */
  async start(host: string, port: number): Promise<number> {
    this.server = createServer((req, res) => {
      void (async () => {
        if (req.url === '/healthz') {
          const ageMs = this.last === null ? null : this.now() - this.last.atMs;
          // before the first cycle completes, staleness counts from the start (a first cycle that hangs is unhealthy)
          const stale = (ageMs ?? this.now() - this.startedMs) > this.o.staleAfterMs;
          res.writeHead(stale ? 503 : 200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ status: stale ? 'stale' : this.last === null ? 'starting' : 'ok', mode: this.o.mode, lastCycle: this.last?.cycle ?? null, lastCycleAgeMs: ageMs, halted: this.last?.halted ?? false, haltReason: this.last?.reason ?? null }));
          return;
        }
        if (req.url === '/metrics') {
          res.writeHead(200, { 'content-type': this.registry.contentType });
          res.end(await this.registry.metrics());
          return;
        }
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found: /healthz or /metrics\n');
      })();
    });
    this.startedMs = this.now();
    return listen(this.server, host, port, { name: 'health', flag: '--health-port', key: 'notify.health.port' });
  }

  async close(): Promise<void> {
    const s = this.server;
    if (s === null) return;
    this.server = null;
    await closeNow(s);
  }
}
