import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRng, type Rng } from '../../src/utils/rng.js';
import { binanceRoutes, closeAt } from '../data_ingest/live/binance-mock.js';
import type { Handler } from '../data_ingest/live/loopback-server.js';

const H = 3_600_000;

/** Fault rates per trading request, drawn from a seeded generator (every run of a test sees the same faults). */
export interface FaultRates {
  /** The order is accepted, then the answer never comes (the client times out). */
  timeoutAfterAccept?: number;
  /** The order is accepted, then the connection is cut before the answer. */
  dropAfterAccept?: number;
  /** 429 Too Many Requests before anything happens (Retry-After: 0). */
  rateLimit?: number;
  /** 418 (IP banned for a moment) before anything happens. */
  banned?: number;
  /** 502/503 before anything happens. */
  serverError?: number;
  /** The order fills only in part now; the rest rests on the book. */
  partialFill?: number;
  /** The order is rejected (-2010) as the exchange's risk engine might. */
  reject?: number;
  /**
   * Any answer that would be a 200 (market data, account, orders) comes back damaged: cut-off JSON, an HTML page, a
   * field of the wrong type, missing, negative, NaN or huge, an empty or null body (the fuzz harness's exchange).
   */
  garble?: number;
}

const GARBLE_KINDS = ['truncate', 'html', 'wrong-type', 'missing', 'negative', 'nan', 'huge', 'empty', 'null'] as const;

/** The paths of up to `max` leaves of a JSON value (arrays sampled at their start), for damaging one of them. */
function leafPaths(v: unknown, max = 500, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (out.length >= max) return out;
  if (v !== null && typeof v === 'object') {
    const entries = Array.isArray(v) ? v.slice(0, 20).map((x, i) => [i, x] as const) : Object.entries(v);
    for (const [k, x] of entries) leafPaths(x, max, [...prefix, k], out);
  } else out.push(prefix);
  return out;
}

interface ExOrder {
  symbol: string;
  orderId: number;
  clientOrderId: string;
  price: string;
  origQty: number;
  executedQty: number;
  cummulativeQuoteQty: number;
  status: 'NEW' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'REJECTED' | 'EXPIRED';
  timeInForce: string;
  type: string;
  side: 'BUY' | 'SELL';
  time: number;
  updateTime: number;
  /** Price the resting part fills at when it fills. */
  fillPrice: number;
  /** A limit away from the market when placed: it fills (at its price) only once the market reaches it. */
  away: boolean;
}

/**
 * A loopback Binance spot exchange for tests: the market-data routes of binance-mock.ts plus order create / query /
 * cancel, open orders and account, with Binance's JSON shapes, its error codes, and its HMAC-SHA256 signature and
 * API-key checks, so an unmodified ccxt binance client can trade against it. Marketable limit (or market) orders are
 * filled at the current mid price, charged a taker fee in USDT; a limit away from the market rests and fills at its
 * price once the market (`price`, or a test's `setPrice`) reaches it; duplicates of a client id are refused like
 * Binance does (-2010 "Duplicate order sent."). Faults are injected at the configured rates.
 */
export class LoopbackBinance {
  base = '';
  readonly orders = new Map<string, ExOrder>();
  readonly balances = new Map<string, number>();
  /** Every order request that reached the matching engine, including refused duplicates. */
  readonly submissions: string[] = [];
  readonly duplicateSubmissions: string[] = [];
  readonly faultsInjected: Record<string, number> = {};
  private server!: Server;
  private readonly rng: Rng;
  private nextId = 1;
  private readonly market: ReturnType<typeof binanceRoutes>;
  faults: FaultRates;

  constructor(
    private readonly o: {
      apiKey: string;
      secret: string;
      bases: string[];
      cashUsdt: number;
      feeRate: number;
      faults?: FaultRates;
      seed?: number;
      nowMs?: () => number;
      /** Units per hourly bar in the klines (liquidity for the universe filter). */
      barVolume?: Record<string, number>;
      /** Assets the account holds at the start. */
      holdings?: Record<string, number>;
      /** More routes on the same server (CoinGecko and X for a whole testnet run). */
      extraRoutes?: Record<string, Handler>;
      /** Called when an order has been accepted and its answer is about to be withheld (timeoutAfterAccept). */
      onAcceptWithheld?: (clientOrderId: string) => void;
    },
  ) {
    this.rng = createRng(o.seed ?? 1);
    this.faults = o.faults ?? {};
    this.balances.set('USDT', o.cashUsdt);
    for (const [a, q] of Object.entries(o.holdings ?? {})) this.balances.set(a, q);
    this.market = { ...binanceRoutes({ bases: o.bases, nowMs: o.nowMs ?? (() => Date.now()), ...(o.barVolume ? { barVolume: o.barVolume } : {}) }), ...(o.extraRoutes ?? {}) };
  }

  private now = (): number => (this.o.nowMs ?? Date.now)();

  private readonly priceOverrides = new Map<string, number>();

  /** Mid price of a base now (the bar now forming, from binance-mock's deterministic path, unless a test set it). */
  price(base: string): number {
    return this.priceOverrides.get(base) ?? closeAt(base, Math.floor(this.now() / H) * H);
  }

  /** Moves a base's mid price (null: back to the deterministic path), e.g. through a resting take-profit. */
  setPrice(base: string, priceUsdt: number | null): void {
    if (priceUsdt === null) this.priceOverrides.delete(base);
    else this.priceOverrides.set(base, priceUsdt);
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => this.handle(req, res, body));
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections(); // a withheld answer keeps its connection open
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private roll(kind: keyof FaultRates): boolean {
    const p = this.faults[kind] ?? 0;
    const hit = p > 0 && this.rng.next() < p;
    if (hit) this.faultsInjected[kind] = (this.faultsInjected[kind] ?? 0) + 1;
    return hit;
  }

  private send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    if (status === 200 && this.roll('garble')) {
      const g = this.garbled(body);
      this.faultsInjected[`garble:${g.kind}`] = (this.faultsInjected[`garble:${g.kind}`] ?? 0) + 1;
      res.writeHead(200, { 'content-type': g.kind === 'html' ? 'text/html' : 'application/json', ...headers });
      return void res.end(g.text);
    }
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }

  /** One damaged version of an answer, drawn from the seeded generator. */
  private garbled(body: unknown): { kind: (typeof GARBLE_KINDS)[number]; text: string } {
    const kind = GARBLE_KINDS[Math.floor(this.rng.next() * GARBLE_KINDS.length)]!;
    const json = JSON.stringify(body);
    if (kind === 'truncate') return { kind, text: json.slice(0, Math.floor(this.rng.next() * json.length)) };
    if (kind === 'html') return { kind, text: '<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>' };
    if (kind === 'empty') return { kind, text: Array.isArray(body) ? '[]' : '{}' };
    if (kind === 'null') return { kind, text: 'null' };
    const copy = JSON.parse(json) as unknown;
    const paths = leafPaths(copy);
    if (paths.length === 0 || paths[0]!.length === 0) return { kind, text: JSON.stringify({ garbled: kind }) };
    const path = paths[Math.floor(this.rng.next() * paths.length)]!;
    let node = copy as Record<string | number, unknown>;
    for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, unknown>;
    const key = path.at(-1)!;
    const was = node[key];
    if (kind === 'missing') delete node[key];
    else node[key] = kind === 'wrong-type' ? (typeof was === 'string' ? { value: was } : 'abc') : kind === 'negative' ? (typeof was === 'number' ? -Math.abs(was) - 1 : '-1') : kind === 'nan' ? 'NaN' : typeof was === 'number' ? 1e308 : '1e308';
    return { kind, text: JSON.stringify(copy) };
  }

  private error(res: ServerResponse, status: number, code: number, msg: string): void {
    this.send(res, status, { code, msg });
  }

  private handle(req: IncomingMessage, res: ServerResponse, body: string): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    if (path === '/api/v3/time') return this.send(res, 200, { serverTime: this.now() });
    const route = this.market[path];
    if (route && req.method === 'GET' && path !== '/api/v3/order' && path !== '/api/v3/openOrders' && path !== '/api/v3/account') {
      const r = route(url, req);
      return this.send(res, r.status ?? 200, r.body);
    }
    const signed = ['/api/v3/order', '/api/v3/openOrders', '/api/v3/account'];
    if (!signed.includes(path)) return this.error(res, 404, -1000, `not mocked: ${req.method} ${path}`);
    // Binance signs the query string (GET/DELETE) or the form body (POST) without its final &signature=...
    const raw = req.method === 'POST' ? body : url.search.slice(1);
    const at = raw.lastIndexOf('&signature=');
    if (req.headers['x-mbx-apikey'] !== this.o.apiKey) return this.error(res, 401, -2015, 'Invalid API-key, IP, or permissions for action.');
    if (at < 0) return this.error(res, 400, -1102, "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.");
    const expected = createHmac('sha256', this.o.secret).update(raw.slice(0, at)).digest('hex');
    if (raw.slice(at + '&signature='.length) !== expected) return this.error(res, 400, -1022, 'Signature for this request is not valid.');
    const p = new URLSearchParams(raw.slice(0, at));
    const ts = Number(p.get('timestamp'));
    const recv = Number(p.get('recvWindow') ?? 5000);
    if (!(Math.abs(this.now() - ts) <= recv)) return this.error(res, 400, -1021, 'Timestamp for this request is outside of the recvWindow.');
    if (this.roll('rateLimit')) return this.send(res, 429, { code: -1003, msg: 'Too many requests; current limit of IP is 6000 requests per minute.' }, { 'retry-after': '0' });
    if (this.roll('banned')) return this.send(res, 418, { code: -1003, msg: 'Way too many requests; IP banned until now.' }, { 'retry-after': '0' });
    if (this.roll('serverError')) {
      res.writeHead(this.rng.next() < 0.5 ? 502 : 503, { 'content-type': 'text/html' });
      return void res.end('<html><body>Bad Gateway</body></html>');
    }
    if (path === '/api/v3/account') return this.send(res, 200, this.account());
    if (path === '/api/v3/openOrders' && req.method === 'GET') {
      const sym = p.get('symbol');
      return this.send(res, 200, [...this.orders.values()].filter((o) => (o.status === 'NEW' || o.status === 'PARTIALLY_FILLED') && (sym === null || o.symbol === sym)).map((o) => this.view(o)));
    }
    const id = p.get('origClientOrderId') ?? p.get('newClientOrderId');
    if (req.method === 'GET') {
      const o = id === null ? undefined : this.orders.get(id);
      if (o === undefined || o.symbol !== p.get('symbol')) return this.error(res, 400, -2013, 'Order does not exist.');
      this.work(o);
      return this.send(res, 200, this.view(o));
    }
    if (req.method === 'DELETE') {
      const o = id === null ? undefined : this.orders.get(id);
      if (o === undefined || o.symbol !== p.get('symbol') || !(o.status === 'NEW' || o.status === 'PARTIALLY_FILLED')) return this.error(res, 400, -2011, 'Unknown order sent.');
      this.release(o);
      o.status = 'CANCELED';
      o.updateTime = this.now();
      const { clientOrderId, ...rest } = this.view(o);
      return this.send(res, 200, { ...rest, origClientOrderId: clientOrderId, clientOrderId: `cancel${o.orderId}` });
    }
    if (req.method === 'POST') return this.create(res, p);
    return this.error(res, 405, -1000, 'method not allowed');
  }

  private account() {
    return {
      makerCommission: 10,
      takerCommission: 10,
      canTrade: true,
      canWithdraw: true,
      canDeposit: true,
      updateTime: this.now(),
      accountType: 'SPOT',
      balances: [...this.balances].map(([asset, qty]) => {
        const locked = this.locked(asset);
        return { asset, free: (qty - locked).toFixed(8), locked: locked.toFixed(8) };
      }),
      permissions: ['SPOT'],
    };
  }

  /** What resting orders hold back: quote for buys, base for sells. */
  private locked(asset: string): number {
    let sum = 0;
    for (const o of this.orders.values()) {
      if (!(o.status === 'NEW' || o.status === 'PARTIALLY_FILLED')) continue;
      const base = o.symbol.replace(/USDT$/, '');
      if (o.side === 'BUY' && asset === 'USDT') sum += (o.origQty - o.executedQty) * o.fillPrice;
      if (o.side === 'SELL' && asset === base) sum += o.origQty - o.executedQty;
    }
    return sum;
  }

  private release(_o: ExOrder): void {
    // balances are moved only by fills: cancelling frees what `locked` held back
  }

  private view(o: ExOrder) {
    return {
      symbol: o.symbol,
      orderId: o.orderId,
      orderListId: -1,
      clientOrderId: o.clientOrderId,
      price: o.price,
      origQty: o.origQty.toFixed(8),
      executedQty: o.executedQty.toFixed(8),
      cummulativeQuoteQty: o.cummulativeQuoteQty.toFixed(8),
      status: o.status,
      timeInForce: o.timeInForce,
      type: o.type,
      side: o.side,
      stopPrice: '0.00000000',
      icebergQty: '0.00000000',
      time: o.time,
      updateTime: o.updateTime,
      isWorking: true,
      workingTime: o.time,
      origQuoteOrderQty: '0.00000000',
      selfTradePreventionMode: 'EXPIRE_MAKER',
    };
  }

  /** Fill `qty` of an order at its fill price. As on Binance, a buyer pays the fee in the coins bought, a seller in USDT. */
  private fill(o: ExOrder, qty: number): void {
    if (!(qty > 0)) return;
    const base = o.symbol.replace(/USDT$/, '');
    // quote amounts are exact to 8 decimals, as Binance reports them
    const quote = Number((qty * o.fillPrice).toFixed(8));
    if (o.side === 'BUY') {
      const feeCoins = Number((qty * this.o.feeRate).toFixed(8));
      this.balances.set(base, Number(((this.balances.get(base) ?? 0) + qty - feeCoins).toFixed(8)));
      this.balances.set('USDT', Number(((this.balances.get('USDT') ?? 0) - quote).toFixed(8)));
    } else {
      const fee = Number((quote * this.o.feeRate).toFixed(8));
      this.balances.set(base, Number(((this.balances.get(base) ?? 0) - qty).toFixed(8)));
      this.balances.set('USDT', Number(((this.balances.get('USDT') ?? 0) + quote - fee).toFixed(8)));
    }
    o.executedQty = Number((o.executedQty + qty).toFixed(8));
    o.cummulativeQuoteQty = Number((o.cummulativeQuoteQty + quote).toFixed(8));
    o.status = o.executedQty >= o.origQty ? 'FILLED' : 'PARTIALLY_FILLED';
    o.updateTime = this.now();
  }

  /** A resting order fills its remainder the next time anyone looks at it (one away from the market once it is reached). */
  private work(o: ExOrder): void {
    if (!(o.status === 'PARTIALLY_FILLED' || o.status === 'NEW')) return;
    if (o.away) {
      const mid = this.price(o.symbol.replace(/USDT$/, ''));
      if (o.side === 'SELL' ? mid < o.fillPrice : mid > o.fillPrice) return;
    }
    this.fill(o, Number((o.origQty - o.executedQty).toFixed(8)));
  }

  private create(res: ServerResponse, p: URLSearchParams): void {
    const id = p.get('newClientOrderId') ?? `auto${this.nextId}`;
    const symbol = p.get('symbol') ?? '';
    const base = symbol.replace(/USDT$/, '');
    this.submissions.push(id);
    if (!this.o.bases.includes(base)) return this.error(res, 400, -1121, 'Invalid symbol.');
    if (this.orders.has(id)) {
      this.duplicateSubmissions.push(id);
      return this.error(res, 400, -2010, 'Duplicate order sent.');
    }
    if (this.roll('reject')) return this.error(res, 400, -2010, 'Order would trigger immediately.');
    const side = p.get('side') as 'BUY' | 'SELL';
    const qty = Number(p.get('quantity'));
    const type = p.get('type') ?? 'LIMIT';
    const limit = Number(p.get('price') ?? 0);
    const mid = this.price(base);
    const fillPrice = side === 'BUY' ? mid * 1.001 : mid * 0.999; // crosses the spread (10 bps each side)
    const away = type === 'LIMIT' && (side === 'BUY' ? fillPrice > limit : fillPrice < limit);
    if (away && p.get('timeInForce') !== 'GTC') return this.error(res, 400, -2010, 'Order would immediately expire (a limit away from the market that may not rest).');
    if (!(qty > 0) || Math.abs(Math.round(qty * 10) - qty * 10) > 1e-6) return this.error(res, 400, -1013, 'Filter failure: LOT_SIZE');
    if (qty * fillPrice < 5) return this.error(res, 400, -1013, 'Filter failure: NOTIONAL');
    const cost = qty * (away ? limit : fillPrice);
    if (side === 'BUY' && cost > (this.balances.get('USDT') ?? 0) - this.locked('USDT')) return this.error(res, 400, -2010, 'Account has insufficient balance for requested action.');
    if (side === 'SELL' && qty > (this.balances.get(base) ?? 0) - this.locked(base) + 1e-9) return this.error(res, 400, -2010, 'Account has insufficient balance for requested action.');
    const o: ExOrder = { symbol, orderId: this.nextId++, clientOrderId: id, price: type === 'LIMIT' ? limit.toFixed(8) : '0.00000000', origQty: qty, executedQty: 0, cummulativeQuoteQty: 0, status: 'NEW', timeInForce: p.get('timeInForce') ?? 'GTC', type, side, time: this.now(), updateTime: this.now(), fillPrice: away ? limit : fillPrice, away };
    this.orders.set(id, o);
    if (!away) this.fill(o, this.roll('partialFill') ? Number((Math.floor(qty * 5) / 10).toFixed(8)) : qty);
    if (this.roll('timeoutAfterAccept')) return void this.o.onAcceptWithheld?.(id); // accepted, answer never sent
    if (this.roll('dropAfterAccept')) return void res.socket?.destroy();
    const { stopPrice: _s, icebergQty: _i, time: _t, updateTime: _u, isWorking: _w, origQuoteOrderQty: _q, ...result } = this.view(o);
    this.send(res, 200, { ...result, transactTime: this.now() });
  }
}
