import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import { closeNow, listen } from '../http-listen.js';
import { LoginLimiter, SessionStore, sessionCookie, tokenMatches, type Session } from './console-auth.js';
import type { ConsoleSnapshot } from './console-figures.js';
import { CONSOLE_PAGE } from './console-page.js';
import { ASSET_PATTERN, MIN_REASON_CHARS, type ControlKind, type ControlRequest } from './operator-controls.js';

export interface ConsoleServerOptions {
  /** COCE_CONSOLE_TOKEN; null: the console is read-only (no login, no control). */
  token: string | null;
  sessionTtlMs: number;
  /** A control a valid session asked for: queued for the next cycle. */
  onControl: (r: ControlRequest) => void;
  nowMs?: () => number;
}

const CONTROLS: Record<string, ControlKind> = { 'pause-entries': 'pause_entries', 'resume-entries': 'resume_entries', flatten: 'flatten', 'lift-halt': 'lift_halt' };
const MAX_BODY_BYTES = 4096;

/** A snapshot as one server-sent event. */
const snapshotFrame = (json: string) => `event: snapshot\ndata: ${json}\n\n`;

/** uPlot, served from the package's own copy: the page works offline and loads nothing from elsewhere. */
const require = createRequire(import.meta.url);
const ASSETS: Record<string, { file: string; type: string }> = {
  '/assets/uPlot.iife.min.js': { file: require.resolve('uplot/dist/uPlot.iife.min.js'), type: 'text/javascript; charset=utf-8' },
  '/assets/uPlot.min.css': { file: require.resolve('uplot/dist/uPlot.min.css'), type: 'text/css; charset=utf-8' },
};

/** Headers every answer carries: no caching of live figures, no framing, no script from elsewhere. */
const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'",
};

/**
 * The operator console (notify.console, `coce run --console-port`): one page (`/`) with the live figures, the same
 * figures as JSON (`/api/status`) and pushed as server-sent events after every cycle (`/api/events`). With a token
 * (COCE_CONSOLE_TOKEN) a browser logs in (`POST /api/login`, at most 5 tries a minute per address) to a session that
 * expires, and sends controls (`POST /api/control/<pause-entries|resume-entries|flatten|lift-halt>`) with the
 * session's CSRF token in `x-csrf-token`; each is queued for the next cycle. Without a token it is read-only. Bound
 * to 127.0.0.1: open it from elsewhere through an SSH tunnel (README).
 */
export class ConsoleServer {
  private server: Server | null = null;
  private readonly sessions: SessionStore;
  private readonly limiter: LoginLimiter;

  constructor(private readonly o: ConsoleServerOptions) {
    this.sessions = new SessionStore(o.sessionTtlMs, o.nowMs);
    this.limiter = new LoginLimiter(5, 60_000, o.nowMs);
  }
  private readonly streams = new Set<ServerResponse>();
  /** The last snapshot as JSON: made once per publish, served to every page and /api/status. */
  private snapshotJson: string | null = null;
  private readonly assetCache = new Map<string, Buffer>();

  /** The figures after a cycle: kept for new pages and pushed to the open ones. */
  publish(s: ConsoleSnapshot): void {
    this.snapshotJson = JSON.stringify(s);
    for (const res of this.streams) res.write(snapshotFrame(this.snapshotJson));
  }

  private json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }

  private async readJson(req: IncomingMessage): Promise<Record<string, unknown> | null> {
    let size = 0;
    const chunks: Buffer[] = [];
    for await (const c of req as AsyncIterable<Buffer>) {
      size += c.length;
      if (size > MAX_BODY_BYTES) return null;
      chunks.push(c);
    }
    try {
      const v: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  }

  private async post(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const client = req.socket.remoteAddress ?? 'unknown';
    if (this.o.token === null) return this.json(res, 403, { error: 'read-only console: COCE_CONSOLE_TOKEN is not set' });
    // a form on another site posting here: its Origin is not ours
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${req.headers.host ?? ''}`) return this.json(res, 403, { error: 'cross-origin request refused' });
    if (path === '/api/login') {
      const waitMs = this.limiter.attempt(client);
      if (waitMs > 0) return this.json(res, 429, { error: 'too many login attempts: wait and try again' }, { 'retry-after': String(Math.ceil(waitMs / 1000)) });
      const body = await this.readJson(req);
      if (body === null || typeof body.token !== 'string' || !tokenMatches(body.token, this.o.token)) return this.json(res, 401, { error: 'wrong token' });
      const s = this.sessions.create();
      return this.json(res, 200, { csrf: s.csrf, expiresAtMs: s.expiresAtMs }, { 'set-cookie': `coce_session=${s.id}; HttpOnly; SameSite=Strict; Path=/; Max-Age=${Math.floor(this.o.sessionTtlMs / 1000)}` });
    }
    const session = this.sessions.get(sessionCookie(req.headers.cookie));
    if (session === null) return this.json(res, 401, { error: 'no valid session: log in' });
    if (req.headers['x-csrf-token'] !== session.csrf) return this.json(res, 403, { error: 'missing or wrong x-csrf-token' });
    if (path === '/api/logout') {
      this.sessions.end(session.id);
      return this.json(res, 200, { loggedOut: true }, { 'set-cookie': 'coce_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0' });
    }
    const kind = path.startsWith('/api/control/') ? CONTROLS[path.slice('/api/control/'.length)] : undefined;
    if (kind === undefined) return this.json(res, 404, { error: `no such control: ${path}` });
    const body = await this.readJson(req);
    if (body === null) return this.json(res, 400, { error: 'the body must be a JSON object of at most 4 KB' });
    const r = this.control(kind, body, session, client);
    if (typeof r === 'string') return this.json(res, 400, { error: r });
    try {
      this.o.onControl(r);
    } catch (err) {
      // not queued (the request file could not be written): the operator must know it will not happen
      return this.json(res, 503, { error: `not queued: ${(err as Error).message}` });
    }
    return this.json(res, 202, { id: r.id, control: kind, queued: 'applied at the next cycle' });
  }

  /** The request from a control's body, or why it is not one. */
  private control(kind: ControlKind, body: Record<string, unknown>, session: Session, client: string): ControlRequest | string {
    const by = `console session ${session.id.slice(0, 6)} from ${client}`;
    const id = randomUUID();
    if (kind === 'flatten') {
      const symbol = body.symbol ?? null;
      if (symbol !== null && (typeof symbol !== 'string' || !ASSET_PATTERN.test(symbol))) return 'symbol must be an asset ticker, or absent for every position';
      return { id, kind, symbol, by };
    }
    if (kind === 'lift_halt') {
      const reason = typeof body.reason === 'string' ? body.reason.trim() : '';
      if (reason.length < MIN_REASON_CHARS || reason.length > 500) return `reason must say why, in ${MIN_REASON_CHARS} to 500 characters`;
      return { id, kind, reason, by };
    }
    return { id, kind, by };
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0]!;
    if (req.method === 'POST' && path.startsWith('/api/')) {
      this.post(req, res, path).catch(() => this.json(res, 500, { error: 'internal error' }));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...SECURITY_HEADERS, allow: 'GET', 'content-type': 'text/plain' });
      res.end('GET only, except the POSTs under /api/\n');
      return;
    }
    if (path === '/api/session') {
      const s = this.sessions.get(sessionCookie(req.headers.cookie));
      return this.json(res, 200, { controls: this.o.token !== null, loggedIn: s !== null, ...(s === null ? {} : { csrf: s.csrf, expiresAtMs: s.expiresAtMs }) });
    }
    if (path === '/') {
      res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8' });
      res.end(CONSOLE_PAGE);
      return;
    }
    if (path === '/api/status') {
      res.writeHead(this.snapshotJson === null ? 503 : 200, { ...SECURITY_HEADERS, 'content-type': 'application/json' });
      res.end(this.snapshotJson ?? JSON.stringify({ status: 'starting: no cycle has completed yet' }));
      return;
    }
    if (path === '/api/events') {
      res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream', connection: 'keep-alive' });
      res.write('retry: 3000\n\n');
      if (this.snapshotJson !== null) res.write(snapshotFrame(this.snapshotJson));
      this.streams.add(res);
      req.on('close', () => this.streams.delete(res));
      return;
    }
    const asset = ASSETS[path];
    if (asset !== undefined) {
      let body = this.assetCache.get(path);
      if (body === undefined) this.assetCache.set(path, (body = readFileSync(asset.file)));
      res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': asset.type, 'cache-control': 'max-age=3600' });
      res.end(body);
      return;
    }
    res.writeHead(404, { ...SECURITY_HEADERS, 'content-type': 'text/plain' });
    res.end('not found: /, /api/status or /api/events\n');
  }

  /** Listens on host:port (0 = any free port); resolves to the port. */
  async start(host: string, port: number): Promise<number> {
    this.server = createServer((req, res) => this.handle(req, res));
    return listen(this.server, host, port, { name: 'console', flag: '--console-port', key: 'notify.console.port' });
  }

  async close(): Promise<void> {
    const s = this.server;
    if (s === null) return;
    this.server = null;
    for (const res of this.streams) res.end();
    this.streams.clear();
    await closeNow(s);
  }
}
