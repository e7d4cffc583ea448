/** Quote currencies worth one US dollar: the config's USD amounts apply to them as they are. */
export const USD_QUOTES: ReadonlySet<string> = new Set(['USD', 'USDT', 'USDC', 'BUSD', 'FDUSD', 'TUSD', 'USDP', 'DAI']);

/** An amount in a run's currency: two decimals for dollars, six for a coin (a BTC-quoted NAV). */
export function money(x: number, currency = 'USD'): string {
  const digits = USD_QUOTES.has(currency) ? 2 : 6;
  return `${x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })} ${USD_QUOTES.has(currency) ? 'USD' : currency}`;
}
