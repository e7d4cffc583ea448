/**
 * A small crypto-trader lexicon scorer for tweet texts: each tweet scores (positive - negative) / (positive +
 * negative) over the words it contains, and the result is the mean over tweets with any hit, in [-1, 1]. Crude by
 * design: it is one feature among many, and explainable.
 */
const POSITIVE = ['moon', 'mooning', 'bullish', 'pump', 'pumping', 'buy', 'buying', 'long', 'breakout', 'gem', 'rally', 'ath', 'send', 'lfg', 'green', 'up', 'rocket', 'undervalued', 'accumulate', 'hodl'];
const NEGATIVE = ['dump', 'dumping', 'scam', 'rug', 'rugpull', 'bearish', 'sell', 'selling', 'short', 'crash', 'red', 'down', 'overvalued', 'exit', 'rekt', 'fud', 'dead', 'ponzi'];
const POS = new Set(POSITIVE);
const NEG = new Set(NEGATIVE);

const tokens = (text: string): string[] =>
  text
    .toLowerCase()
    .replace(/https?:\/\/\S+/g, ' ')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t !== '');

export function tweetScore(text: string): number | null {
  let pos = 0;
  let neg = 0;
  for (const t of tokens(text)) {
    if (POS.has(t)) pos++;
    else if (NEG.has(t)) neg++;
  }
  // Emoji count once per tweet each, wherever they stand.
  for (const e of ['🚀', '🔥', '💎']) if (text.includes(e)) pos++;
  if (text.includes('📉')) neg++;
  return pos + neg === 0 ? null : (pos - neg) / (pos + neg);
}

export function lexiconSentiment(texts: readonly string[]): number {
  const scores = texts.map(tweetScore).filter((s): s is number => s !== null);
  return scores.length === 0 ? 0 : scores.reduce((a, b) => a + b, 0) / scores.length;
}
