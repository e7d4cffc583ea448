import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { UsageError } from '../../utils/errors.js';
import type { ConsoleSnapshot } from './console-figures.js';
import { CONSOLE_PAGE } from './console-page.js';

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
 * figures as JSON (`/api/status`) and pushed as server-sent events after every cycle (`/api/events`). Read-only.
 * Bound to 127.0.0.1 by default: open it from elsewhere through an SSH tunnel (README).
 */
export class ConsoleServer {
  private server: Server | null = null;
  private readonly streams = new Set<ServerResponse>();
  private snapshot: ConsoleSnapshot | null = null;
  private readonly assetCache = new Map<string, Buffer>();

  /** The figures after a cycle: kept for new pages and pushed to the open ones. */
  publish(s: ConsoleSnapshot): void {
    this.snapshot = s;
    const frame = `event: snapshot\ndata: ${JSON.stringify(s)}\n\n`;
    for (const res of this.streams) res.write(frame);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0]!;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...SECURITY_HEADERS, allow: 'GET', 'content-type': 'text/plain' });
      res.end('the console is read-only\n');
      return;
    }
    if (path === '/') {
      res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8' });
      res.end(CONSOLE_PAGE);
      return;
    }
    if (path === '/api/status') {
      res.writeHead(this.snapshot === null ? 503 : 200, { ...SECURITY_HEADERS, 'content-type': 'application/json' });
      res.end(JSON.stringify(this.snapshot ?? { status: 'starting: no cycle has completed yet' }));
      return;
    }
    if (path === '/api/events') {
      res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/event-stream', connection: 'keep-alive' });
      res.write('retry: 3000\n\n');
      if (this.snapshot !== null) res.write(`event: snapshot\ndata: ${JSON.stringify(this.snapshot)}\n\n`);
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
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', (err: NodeJS.ErrnoException) =>
        reject(err.code === 'EADDRINUSE' || err.code === 'EACCES' ? new UsageError(`console port ${host}:${port} cannot be used (${err.code}): choose another --console-port or notify.console.port`) : err),
      );
      this.server!.listen(port, host, resolve);
    });
    return (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    const s = this.server;
    if (s === null) return;
    this.server = null;
    for (const res of this.streams) res.end();
    this.streams.clear();
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
}
