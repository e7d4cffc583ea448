import { randomUUID } from 'node:crypto';
import { Bot, type Context } from 'grammy';
import type { Logger } from '../../utils/logger.js';
import type { ConsoleSnapshot } from '../console/console-figures.js';
import { ASSET_PATTERN, MIN_REASON_CHARS, type ControlKind, type ControlQueue } from '../console/operator-controls.js';

export interface TelegramOptions {
  /** TELEGRAM_BOT_TOKEN (a secret). */
  token: string;
  /** The chats allowed to ask for anything; every other chat is refused. */
  allowedChatIds: readonly number[];
  /** The Bot API server (notify.telegram.api_root); null: Telegram's own. */
  apiRoot: string | null;
  /** Where requests go (the run's ControlQueue, through what tells the other screens). */
  controls: Pick<ControlQueue, 'push'>;
  log: Logger;
}

const f2 = (x: number | null) => (x === null ? 'n/a' : x.toFixed(2));
const usd = (x: number) => x.toLocaleString('en-US', { maximumFractionDigits: 2, minimumFractionDigits: 2 });

/** /status as a trader reads it on a phone: the console's figures, in a few lines. */
export function statusText(s: ConsoleSnapshot): string {
  const lines = [
    `COCE ${s.mode}, bar ${s.ts === null ? 'none yet' : s.ts.replace('T', ' ').slice(0, 16)} UTC`,
    `NAV ${usd(s.navUsd)} USD (return ${f2(s.returnPct)} %, drawdown ${f2(s.drawdownPct)} %)`,
    ...(s.performance.btc === null && s.performance.microCaps === null
      ? []
      : [`buy-and-hold since start: ${[[s.benchmark, s.performance.btc] as const, ['micro-caps', s.performance.microCaps] as const].filter(([, b]) => b !== null).map(([n, b]) => `${n} ${f2(b!.returnPct)} % (drawdown ${f2(b!.drawdownPct)} %)`).join(', ')}`]),
    `kill-switch ${s.killSwitch.state}${s.killSwitch.reason === null ? '' : `: ${s.killSwitch.reason}`}`,
    ...(s.entriesPaused === null ? [] : [`entries paused by ${s.entriesPaused.by} since cycle ${s.entriesPaused.sinceCycle}`]),
    ...(s.requestsWaiting === 0 ? [] : [`${s.requestsWaiting} request(s) waiting for the next cycle`]),
    `${s.positions.length} position(s)${s.positions.length === 0 ? '' : ':'}`,
    ...s.positions.slice(0, 10).map((p) => `  ${p.symbol} ${usd(p.valueUsd)} USD, P&L ${p.pnlPct.toFixed(2)} %${p.exit === null ? '' : `, exiting (${p.exit})`}`),
  ];
  return lines.join('\n');
}

/**
 * Telegram commands for the operator (grammY, long polling): /status, /pause, /resume, /flatten [ASSET], /lift
 * <reason>. Only the chats in notify.telegram.allowed_chat_ids are heard; any other is told it is not authorised and
 * logged. Controls go to the same queue as the console's, applied at the next cycle, audited with `telegram chat <id>`.
 */
export class TelegramControl {
  private readonly bot: Bot;
  private latest: ConsoleSnapshot | null = null;
  private running: Promise<void> | null = null;

  constructor(private readonly o: TelegramOptions) {
    this.bot = new Bot(o.token, o.apiRoot === null ? {} : { client: { apiRoot: o.apiRoot } });
    this.bot.use(async (ctx, next) => {
      const chat = ctx.chat?.id;
      if (chat !== undefined && this.o.allowedChatIds.includes(chat)) return next();
      o.log.warn({ chat: chat ?? null }, 'telegram: a command from a chat not in notify.telegram.allowed_chat_ids was refused');
      if (chat !== undefined) await ctx.reply('Not authorised: this chat is not in notify.telegram.allowed_chat_ids.');
    });
    this.bot.command('status', (ctx) => ctx.reply(this.latest === null ? 'No cycle has completed yet.' : statusText(this.latest)));
    this.bot.command('pause', (ctx) => this.queue(ctx, 'pause_entries', {}));
    this.bot.command('resume', (ctx) => this.queue(ctx, 'resume_entries', {}));
    this.bot.command('flatten', (ctx) => {
      const symbol = ctx.match.trim();
      if (symbol !== '' && !ASSET_PATTERN.test(symbol)) return ctx.reply('Usage: /flatten (every position) or /flatten ASSET');
      return this.queue(ctx, 'flatten', { symbol: symbol === '' ? null : symbol.toUpperCase() });
    });
    this.bot.command('lift', (ctx) => {
      const reason = ctx.match.trim();
      if (reason.length < MIN_REASON_CHARS) return ctx.reply('Usage: /lift <why it is safe to trade again>');
      return this.queue(ctx, 'lift_halt', { reason });
    });
    this.bot.catch((err) => o.log.warn({ err: err.message }, 'telegram: a command failed'));
  }

  private async queue(ctx: Context, kind: ControlKind, extra: { symbol?: string | null; reason?: string }): Promise<void> {
    const r = { id: randomUUID(), kind, by: `telegram chat ${ctx.chat!.id}`, ...extra };
    try {
      this.o.controls.push(r);
    } catch (err) {
      this.o.log.error({ err: (err as Error).message, control: kind }, 'telegram: a request could not be queued');
      await ctx.reply(`${kind.replace('_', ' ')}: NOT queued (${(err as Error).message}).`);
      return;
    }
    await ctx.reply(`${kind.replace('_', ' ')}${extra.symbol ? ` ${extra.symbol}` : ''}: queued, applied at the next cycle (request ${r.id.slice(0, 8)}).`);
  }

  /** The console's figures after each cycle (what /status reports; null before the first). */
  update(snapshot: ConsoleSnapshot | null): void {
    this.latest = snapshot;
  }

  /** Starts long polling; resolves once the bot is connected (getMe answered). */
  async start(): Promise<void> {
    await this.bot.init();
    this.running = this.bot.start({ drop_pending_updates: false });
    this.running.catch((err: unknown) => this.o.log.warn({ err: (err as Error).message }, 'telegram: polling stopped'));
  }

  async stop(): Promise<void> {
    if (this.running === null) return;
    await this.bot.stop();
    this.running = null;
  }
}
