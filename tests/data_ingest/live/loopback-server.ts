import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Reply {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Send `body` as is (a string), not as JSON. */
  raw?: boolean;
  /** Never answer (for timeouts). */
  hang?: boolean;
}

export type Handler = (url: URL, req: IncomingMessage) => Reply;

/**
 * An HTTP server on 127.0.0.1 that answers like a real API: routes by path, one-off faults queued per path (429,
 * 5xx, garbage, silence), and a log of every request so tests can assert what a client sent.
 */
export class LoopbackServer {
  readonly requests: { method: string; path: string; query: URLSearchParams; headers: IncomingMessage['headers'] }[] = [];
  private readonly faults = new Map<string, Reply[]>();
  private server!: Server;
  base = '';

  constructor(private readonly routes: Record<string, Handler>) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      this.requests.push({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers });
      const queued = this.faults.get(url.pathname)?.shift();
      const route = this.routes[url.pathname];
      const reply: Reply = queued ?? (route ? route(url, req) : { status: 404, body: { error: 'not mocked' } });
      if (reply.hang) return;
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
      res.end(reply.raw ? String(reply.body) : JSON.stringify(reply.body));
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** The next answers on `path` are these, in order; then the route answers again. */
  fail(path: string, ...replies: Reply[]): void {
    this.faults.set(path, [...(this.faults.get(path) ?? []), ...replies]);
  }

  count(path: string): number {
    return this.requests.filter((r) => r.path === path).length;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
