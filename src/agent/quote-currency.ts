import type { Config } from '../utils/config.js';
import { UsageError } from '../utils/errors.js';
import { USD_QUOTES } from '../utils/money.js';


/**
 * The config in the units of a run's quote currency. The config states money in USD (initial cash, the ADV floor,
 * the market-cap band, the minimum trade); data quoted in another currency (BTC pairs) keeps its NAV in that
 * currency, so those amounts are divided by market.quote_usd, the USD value of one unit of it. Fractions (weights,
 * drawdowns, VaR, ADV caps) need no conversion.
 */
export function configInQuote(cfg: Config, quote: string, source: string): Config {
  if (USD_QUOTES.has(quote)) return cfg;
  const rate = cfg.market.quoteUsd;
  if (rate === null) {
    throw new UsageError(
      `${source} is quoted in ${quote}: set market.quote_usd to the USD value of 1 ${quote}, so the config's USD amounts (sim.initial_cash_usd, universe.min_adv_usd and the market-cap band, portfolio.min_trade_notional_usd) convert; NAV is then kept in ${quote}`,
    );
  }
  return {
    ...cfg,
    sim: { ...cfg.sim, initialCashUsd: cfg.sim.initialCashUsd / rate },
    universe: { ...cfg.universe, minAdvUsd: cfg.universe.minAdvUsd / rate, minMarketCapUsd: cfg.universe.minMarketCapUsd / rate, maxMarketCapUsd: cfg.universe.maxMarketCapUsd / rate },
    portfolio: { ...cfg.portfolio, minTradeNotionalUsd: cfg.portfolio.minTradeNotionalUsd / rate },
  };
}
