import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback Telegram Bot API for tests: getMe, deleteWebhook, getUpdates (the updates a test queued, by offset) and
 * sendMessage (recorded), with the Bot API's JSON envelope ({ ok, result }) and its /bot<token>/<method> paths.
 */
export class LoopbackTelegram {
  readonly sent: { chatId: number; text: string }[] = [];
  private readonly updates: unknown[] = [];
  private nextUpdateId = 1;
  private server: Server | null = null;
  base = '';

  constructor(private readonly token: string) {}

  /** A text message from a chat, as Telegram delivers it (a leading command marked as such). */
  say(chatId: number, text: string): void {
    const command = /^\/\w+/.exec(text)?.[0];
    this.updates.push({
      update_id: this.nextUpdateId++,
      message: { message_id: this.nextUpdateId, date: 1_700_000_000, chat: { id: chatId, type: 'private' }, from: { id: chatId, is_bot: false, first_name: 'Op' }, text, ...(command ? { entities: [{ type: 'bot_command', offset: 0, length: command.length }] } : {}) },
    });
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const m = /^\/bot([^/]+)\/(\w+)$/.exec(req.url ?? '');
        const send = (status: number, v: unknown) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(v));
        };
        if (m === null || m[1] !== this.token) return send(401, { ok: false, error_code: 401, description: 'Unauthorized' });
        const p = (body === '' ? {} : JSON.parse(body)) as Record<string, unknown>;
        if (m[2] === 'getMe') return send(200, { ok: true, result: { id: 42, is_bot: true, first_name: 'COCE', username: 'coce_bot' } });
        if (m[2] === 'deleteWebhook') return send(200, { ok: true, result: true });
        if (m[2] === 'sendMessage') {
          this.sent.push({ chatId: Number(p.chat_id), text: String(p.text) });
          return send(200, { ok: true, result: { message_id: 1000 + this.sent.length, date: 1_700_000_000, chat: { id: Number(p.chat_id), type: 'private' }, text: p.text } });
        }
        if (m[2] === 'getUpdates') {
          const offset = Number(p.offset ?? 0);
          const ready = () => this.updates.filter((u) => (u as { update_id: number }).update_id >= offset);
          // a short long-poll: answer at once when there is something, else after 50 ms
          if (ready().length > 0) return send(200, { ok: true, result: ready() });
          setTimeout(() => send(200, { ok: true, result: ready() }), 50);
          return;
        }
        return send(404, { ok: false, error_code: 404, description: `Not Found: method ${m[2]}` });
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server === null ? r() : this.server.close(() => r())));
  }
}
