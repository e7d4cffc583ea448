import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { DataFileError } from '../../utils/errors.js';
import type { Trade } from './trades-to-bars.js';

export interface TradeFile {
  base: string;
  quote: string;
  trades: Trade[];
}

/**
 * A trades CSV in ccxt's fetch_trades layout (`symbol,timestamp,...,side,price,amount[,cost|btc_volume]`, plain or
 * gzip), as the pump files hold them. One pair per file; rows in file order. The quote amount is the file's cost
 * column when it has one, else price x amount. A malformed row is a DataFileError with its line.
 */
export async function readTradeFile(path: string): Promise<TradeFile> {
  const input = createReadStream(path);
  const lines = createInterface({ input: path.endsWith('.gz') ? input.pipe(createGunzip()) : input, crlfDelay: Infinity });
  const trades: Trade[] = [];
  let col: Record<string, number> = {};
  let pair: string | null = null;
  let n = 0;
  try {
    for await (const line of lines) {
      n++;
      if (n === 1) {
        const h = line.split(',').map((x) => x.trim());
        col = Object.fromEntries(h.map((x, i) => [x, i]));
        for (const need of ['symbol', 'timestamp', 'side', 'price', 'amount']) {
          if (col[need] === undefined) throw new DataFileError(`${path}:1: a trades file needs the columns symbol, timestamp, side, price, amount (ccxt fetch_trades); got "${line.slice(0, 100)}"`);
        }
        continue;
      }
      if (line === '') continue;
      const f = line.split(',');
      const symbol = f[col.symbol!]!;
      if (pair === null) pair = symbol;
      if (symbol !== pair) throw new DataFileError(`${path}:${n}: pair ${symbol} in a file of ${pair} (one pair per file)`);
      const timestampMs = Number(f[col.timestamp!]);
      const price = Number(f[col.price!]);
      const amount = Number(f[col.amount!]);
      const side = f[col.side!];
      const costText = col.cost !== undefined ? f[col.cost] : col.btc_volume !== undefined ? f[col.btc_volume] : undefined;
      const cost = costText === undefined || costText === '' ? price * amount : Number(costText);
      if (!Number.isInteger(timestampMs) || !(price > 0) || !(amount >= 0) || !Number.isFinite(cost) || (side !== 'buy' && side !== 'sell')) {
        throw new DataFileError(`${path}:${n}: not a trade (timestamp ms, side buy|sell, price > 0, amount >= 0): "${line.slice(0, 100)}"`);
      }
      trades.push({ timestampMs, side, price, amount, cost });
    }
  } catch (err) {
    if (err instanceof DataFileError) throw err;
    throw new DataFileError(`${path} cannot be read (${(err as Error).message})`);
  }
  if (pair === null) throw new DataFileError(`${path} holds no trades`);
  const m = /^([A-Z0-9]+)\/([A-Z0-9]+)$/.exec(pair);
  if (m === null) throw new DataFileError(`${path}: pair "${pair}" is not BASE/QUOTE`);
  return { base: m[1]!, quote: m[2]!, trades };
}
