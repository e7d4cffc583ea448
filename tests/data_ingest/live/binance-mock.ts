import type { Handler } from './loopback-server.js';

/**
 * Enough of Binance's spot REST API for ccxt's binance client: exchangeInfo, klines, ticker/24hr, in the shapes
 * Binance documents (strings for prices and quantities, klines as arrays). Bars follow a deterministic path so tests
 * can pin values: close(base, t) = basePrice(base) * (1 + 0.01 * (t / hour mod 7)).
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

export const closeAt = (base: string, openMs: number) => BASE_PRICES[base]! * (1 + 0.01 * ((openMs / H) % 7));

/** Units traded per hourly bar (1000 unless a test needs more liquidity). */
export function binanceRoutes(o: { bases: string[]; nowMs: () => number; extraSymbols?: object[]; barVolume?: Record<string, number> }): Record<string, Handler> {
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
    '/api/v3/ticker/24hr': (u) => {
      const symbols = JSON.parse(u.searchParams.get('symbols') ?? '[]') as string[];
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
