import type { Handler } from './loopback-server.js';

/**
 * Enough of Binance's spot REST API for ccxt's binance client: exchangeInfo, klines, ticker/24hr, in the shapes
 * Binance documents (strings for prices and quantities, klines as arrays). Bars follow a deterministic path so tests
 * can pin values: close(base, t) = basePrice(base) * (1 + 0.002 * tri(t / hour)), tri = 0 1 2 3 2 1 repeating. Each hour
 * moves the price by 0.2 % at most, inside the engine's limit offset, so a marketable limit stays marketable into the
 * next hour at every hour of the day (a saw-tooth that fell 6 % once in 7 hours made orders fail at one wall-clock
 * hour in seven).
 */
const H = 3_600_000;

const symbolInfo = (base: string) => ({
  symbol: `${base}USDT`,
  status: 'TRADING',
  baseAsset: base,
  baseAssetPrecision: 8,
  quoteAsset: 'USDT',
  quotePrecision: 8,
  quoteAssetPrecision: 8,
  orderTypes: ['LIMIT', 'LIMIT_MAKER', 'MARKET'],
  icebergAllowed: true,
  ocoAllowed: true,
  isSpotTradingAllowed: true,
  isMarginTradingAllowed: false,
  permissions: [],
  permissionSets: [['SPOT']],
  filters: [
    { filterType: 'PRICE_FILTER', minPrice: '0.00000001', maxPrice: '1000000.00000000', tickSize: '0.00000001' },
    { filterType: 'LOT_SIZE', minQty: '0.10000000', maxQty: '9000000000.00000000', stepSize: '0.10000000' },
    { filterType: 'NOTIONAL', minNotional: '5.00000000', applyMinToMarket: true, maxNotional: '9000000.00000000', applyMaxToMarket: false, avgPriceMins: 5 },
  ],
});

export const BASE_PRICES: Record<string, number> = { BTC: 60_000, ETH: 3_000, ABC: 1.5, XYZ: 0.00005, PEPE: 0.00001, BIGCAP: 10 };

const tri = (hour: number) => {
  const k = ((hour % 6) + 6) % 6;
  return k <= 3 ? k : 6 - k;
};
export const closeAt = (base: string, openMs: number) => BASE_PRICES[base]! * (1 + 0.002 * tri(Math.floor(openMs / H)));

/**
 * The aggregate trades of `base` in hour `hour` (n a hour): two by two at the same millisecond (the first pair both
 * buys: a rush order), every third a sell, prices around the hour's close; ids count up across hours.
 */
export function tradesOfHour(base: string, hour: number, n: number): { a: number; p: string; q: string; f: number; l: number; T: number; m: boolean; M: boolean }[] {
  const out = [];
  const step = Math.floor((2 * H) / n);
  for (let j = 0; j < n; j++) {
    const id = hour * n + j;
    out.push({ a: id, p: String(closeAt(base, hour * H) * (1 + 0.001 * (j % 4))), q: String(10 + (j % 7)), f: id, l: id, T: hour * H + Math.floor(j / 2) * step, m: j % 3 === 2, M: true });
  }
  return out;
}

/** Units traded per hourly bar (1000 unless a test needs more liquidity); aggregate trades per hour (5 unless set). */
export function binanceRoutes(o: { bases: string[]; nowMs: () => number; extraSymbols?: object[]; barVolume?: Record<string, number>; tradesPerHour?: Record<string, number> }): Record<string, Handler> {
  const vol = (base: string) => o.barVolume?.[base] ?? 1000;
  return {
    '/api/v3/exchangeInfo': () => ({
      body: {
        timezone: 'UTC',
        serverTime: o.nowMs(),
        rateLimits: [{ rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 }],
        exchangeFilters: [],
        symbols: [...o.bases.map(symbolInfo), ...(o.extraSymbols ?? [])],
      },
    }),
    '/api/v3/klines': (u) => {
      const base = u.searchParams.get('symbol')!.replace(/USDT$/, '');
      if (!(base in BASE_PRICES) || !o.bases.includes(base)) return { status: 400, body: { code: -1121, msg: 'Invalid symbol.' } };
      const start = Number(u.searchParams.get('startTime') ?? o.nowMs() - 500 * H);
      const limit = Number(u.searchParams.get('limit') ?? 500);
      const rows: unknown[] = [];
      // Binance answers bars that opened up to now (the last one may still be forming).
      for (let t = Math.ceil(start / H) * H; t <= o.nowMs() && rows.length < limit; t += H) {
        const c = closeAt(base, t);
        const open = closeAt(base, t - H);
        const v = vol(base);
        rows.push([t, String(open), String(Math.max(open, c) * 1.001), String(Math.min(open, c) * 0.999), String(c), v.toFixed(8), t + H - 1, String(v * c), 42, String(v / 2), String((v / 2) * c), '0']);
      }
      return { body: rows };
    },
    '/api/v3/aggTrades': (u) => {
      const base = u.searchParams.get('symbol')!.replace(/USDT$/, '');
      if (!(base in BASE_PRICES) || !o.bases.includes(base)) return { status: 400, body: { code: -1121, msg: 'Invalid symbol.' } };
      const start = Number(u.searchParams.get('startTime'));
      const end = Math.min(Number(u.searchParams.get('endTime')), o.nowMs());
      const limit = Math.min(1000, Number(u.searchParams.get('limit') ?? 500));
      // as Binance: startTime and endTime at most an hour apart
      if (!(end - start <= H)) return { status: 400, body: { code: -1127, msg: 'More than 1 hours between startTime and endTime.' } };
      const rows = [];
      for (let hour = Math.floor(start / H); hour <= Math.floor(end / H) && rows.length < limit; hour++) {
        for (const t of tradesOfHour(base, hour, o.tradesPerHour?.[base] ?? 5)) if (t.T >= start && t.T <= end && rows.length < limit) rows.push(t);
      }
      return { body: rows };
    },
    '/api/v3/ticker/24hr': (u) => {
      // no symbols: every pair (as Binance answers)
      const symbols = u.searchParams.has('symbols') ? (JSON.parse(u.searchParams.get('symbols')!) as string[]) : o.bases.map((b) => `${b}USDT`);
      return {
        body: symbols.map((s) => {
          const base = s.replace(/USDT$/, '');
          const last = closeAt(base, Math.floor(o.nowMs() / H) * H);
          return {
            symbol: s,
            priceChange: '0',
            priceChangePercent: '0.000',
            weightedAvgPrice: String(last),
            prevClosePrice: String(last),
            lastPrice: String(last),
            lastQty: '1.00000000',
            bidPrice: String(last * 0.999),
            bidQty: '100.00000000',
            askPrice: String(last * 1.001),
            askQty: '100.00000000',
            openPrice: String(last),
            highPrice: String(last),
            lowPrice: String(last),
            volume: (24 * vol(base)).toFixed(8),
            quoteVolume: String(24 * vol(base) * last),
            openTime: o.nowMs() - 86_400_000,
            closeTime: o.nowMs(),
            firstId: 1,
            lastId: 2,
            count: 2,
          };
        }),
      };
    },
  };
}
