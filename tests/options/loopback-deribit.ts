import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { syntheticChain, type ChainQuote } from '../../src/options/chain.js';
import { optionFeeCoin } from '../../src/options/sleeve.js';

/**
 * A loopback Deribit (API v2, JSON-RPC over HTTP GET, as ccxt's deribit client calls it): currencies, instruments,
 * book summaries, buy/sell with Deribit's deri-hmac-sha256 signature check, and delivery prices. Quotes come from the
 * synthetic chain at a fixed index, so tests can pin what the sleeve should choose and pay.
 */
export class LoopbackDeribit {
  base = '';
  readonly orders: { instrument: string; direction: string; amount: number; price: number; fee: number; label: string }[] = [];
  readonly requests: string[] = [];
  private server!: Server;
  readonly chains: Record<string, ChainQuote[]>;
  readonly startedMs = Date.now();

  constructor(private readonly o: { clientId: string; secret: string; index: Record<string, number>; vol: number; deliveries?: Record<string, { date: string; delivery_price: number }[]> }) {
    this.chains = Object.fromEntries(Object.entries(o.index).map(([u, px]) => [u, syntheticChain(u, px, o.vol, this.startedMs)]));
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections(); // a withheld answer keeps its connection open
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private reply(res: ServerResponse, result: unknown): void {
    const us = Date.now() * 1000;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ jsonrpc: '2.0', result, usIn: us, usOut: us + 40, usDiff: 40, testnet: true }));
  }

  private error(res: ServerResponse, status: number, code: number, message: string): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ jsonrpc: '2.0', error: { message, code }, testnet: true, usIn: 0, usOut: 0, usDiff: 0 }));
  }

  private instrument(q: ChainQuote) {
    return {
      tick_size: 0.0001,
      tick_size_steps: [{ above_price: 0.005, tick_size: 0.0005 }],
      taker_commission: 0.0003,
      strike: q.strike,
      settlement_period: 'week',
      settlement_currency: q.underlying,
      rfq: false,
      quote_currency: q.underlying,
      price_index: `${q.underlying.toLowerCase()}_usd`,
      option_type: q.type,
      min_trade_amount: q.underlying === 'BTC' ? 0.1 : 1,
      maker_commission: 0.0003,
      kind: 'option',
      is_active: true,
      instrument_name: q.instrument,
      instrument_id: Math.abs(q.strike * 7 + q.expiryMs / 1e6) | 0,
      expiration_timestamp: q.expiryMs,
      creation_timestamp: this.startedMs - 30 * 86_400_000,
      counter_currency: 'USD',
      contract_size: 1,
      block_trade_tick_size: 0.0001,
      block_trade_min_trade_amount: 25,
      block_trade_commission: 0.00015,
      base_currency: q.underlying,
    };
  }

  private summary(q: ChainQuote) {
    return {
      volume_usd: 1000,
      volume: 10,
      underlying_price: q.indexUsd,
      underlying_index: `SYN.${q.underlying}-${q.expiryMs}`,
      quote_currency: q.underlying,
      price_change: null,
      open_interest: q.openInterest,
      mid_price: q.bid > 0 ? (q.bid + q.ask) / 2 : null,
      mark_price: q.mark,
      mark_iv: q.markIv * 100,
      low: null,
      last: null,
      interest_rate: 0,
      instrument_name: q.instrument,
      high: null,
      estimated_delivery_price: q.indexUsd,
      creation_timestamp: Date.now(),
      bid_price: q.bid > 0 ? q.bid : null,
      base_currency: q.underlying,
      ask_price: q.ask,
    };
  }

  private find(name: string | null): ChainQuote | undefined {
    return Object.values(this.chains).flat().find((q) => q.instrument === name);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const p = url.searchParams;
    this.requests.push(url.pathname);
    const path = url.pathname.replace(/^\/api\/v2\//, '');
    if (path.startsWith('private/')) {
      // deri-hmac-sha256: HMAC of "ts\nnonce\nGET\n<path?query>\n\n" with the client secret
      const m = /^deri-hmac-sha256 id=([^,]+),ts=(\d+),sig=([0-9a-f]+),nonce=(\S+)$/.exec(req.headers.authorization ?? '');
      if (m === null || m[1] !== this.o.clientId) return this.error(res, 400, 13004, 'invalid_credentials');
      const expected = createHmac('sha256', this.o.secret).update(`${m[2]}\n${m[4]}\n${req.method}\n${req.url}\n\n`).digest('hex');
      if (expected !== m[3]) return this.error(res, 400, 13004, 'invalid_credentials');
    }
    switch (path) {
      case 'public/get_currencies':
        return this.reply(res, Object.keys(this.o.index).map((c) => ({ withdrawal_priorities: [], withdrawal_fee: 0.0001, min_withdrawal_fee: 0.0001, min_confirmations: 1, fee_precision: 4, currency_long: c, currency: c, coin_type: c === 'BTC' ? 'BITCOIN' : 'ETHER' })));
      case 'public/get_instruments': {
        const cur = p.get('currency');
        return this.reply(res, Object.values(this.chains).flat().filter((q) => cur === null || cur === 'any' || q.underlying === cur).map((q) => this.instrument(q)));
      }
      case 'public/get_book_summary_by_currency': {
        const chain = this.chains[p.get('currency') ?? ''];
        if (chain === undefined) return this.error(res, 400, -32602, 'Invalid params');
        return this.reply(res, chain.map((q) => this.summary(q)));
      }
      case 'public/get_book_summary_by_instrument': {
        const q = this.find(p.get('instrument_name'));
        return q === undefined ? this.error(res, 400, 10004, 'instrument_not_found') : this.reply(res, [this.summary(q)]);
      }
      case 'private/get_positions': {
        const size = new Map<string, number>();
        for (const o of this.orders) if (o.instrument.startsWith(`${p.get('currency')}-`)) size.set(o.instrument, (size.get(o.instrument) ?? 0) + (o.direction === 'buy' ? o.amount : -o.amount));
        return this.reply(res, [...size].filter(([, n]) => Math.abs(n) > 1e-9).map(([instrument_name, n]) => ({ instrument_name, size: n, direction: n > 0 ? 'buy' : 'sell', kind: 'option', average_price: 0, mark_price: this.find(instrument_name)?.mark ?? 0 })));
      }
      case 'public/get_delivery_prices': {
        const data = this.o.deliveries?.[p.get('index_name') ?? ''] ?? [];
        return this.reply(res, { data, records_total: data.length });
      }
      case 'private/buy':
      case 'private/sell': {
        const q = this.find(p.get('instrument_name'));
        if (q === undefined) return this.error(res, 400, 10004, 'instrument_not_found');
        const direction = path === 'private/buy' ? 'buy' : 'sell';
        const amount = Number(p.get('amount'));
        const limit = Number(p.get('price'));
        const price = direction === 'buy' ? q.ask : q.bid;
        if (direction === 'buy' ? price > limit : price < limit) return this.error(res, 400, 10041, 'price_too_high');
        const fee = optionFeeCoin(price, amount);
        this.orders.push({ instrument: q.instrument, direction, amount, price, fee, label: p.get('label') ?? '' });
        const id = `ETH-${this.orders.length}`;
        const now = Date.now();
        return this.reply(res, {
          trades: [{ trade_seq: this.orders.length, trade_id: `T-${this.orders.length}`, timestamp: now, tick_direction: 0, state: 'filled', reduce_only: false, price, post_only: false, order_type: 'limit', order_id: id, matching_id: null, mark_price: q.mark, liquidity: 'T', iv: q.markIv * 100, instrument_name: q.instrument, index_price: q.indexUsd, fee_currency: q.underlying, fee, direction, amount }],
          order: { web: false, time_in_force: p.get('time_in_force') ?? 'good_til_cancelled', replaced: false, reduce_only: false, price: limit, post_only: false, order_type: 'limit', order_state: 'filled', order_id: id, max_show: amount, last_update_timestamp: now, label: p.get('label') ?? '', is_liquidation: false, instrument_name: q.instrument, filled_amount: amount, direction, creation_timestamp: now, average_price: price, api: true, amount },
        });
      }
      default:
        return this.error(res, 404, 11050, `not mocked: ${path}`);
    }
  }
}
