/**
 * Which tokens a headline mentions. Tickers from the venues' catalogs match as whole words written in capitals
 * ("SOL", not "sol") or with a dollar sign ("$sol"); common names match the majors ("Bitcoin" → BTC). Tickers that
 * are ordinary English words match only in capitals inside a headline that is not itself all capitals, or as
 * `$TICKER`; tickers that are common acronyms in news ("AI", "ETF", "SEC") match only as `$TICKER`.
 */

/** Names the press uses for the majors, matched case-insensitively as whole words. */
const NAMES: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bbitcoin'?s?\b/i, "BTC"],
  [/\bethereum'?s?\b|\bether\b/i, "ETH"],
  [/\bsolana'?s?\b/i, "SOL"],
  [/\bripple'?s?\b/i, "XRP"],
  [/\bdogecoin'?s?\b/i, "DOGE"],
  [/\bcardano'?s?\b/i, "ADA"],
  [/\bbinance coin\b|\bbnb chain\b/i, "BNB"],
  [/\btron'?s?\b/i, "TRX"],
  [/\btoncoin\b/i, "TON"],
  [/\bavalanche'?s?\b/i, "AVAX"],
  [/\bpolkadot'?s?\b/i, "DOT"],
  [/\bchainlink'?s?\b/i, "LINK"],
  [/\blitecoin'?s?\b/i, "LTC"],
  [/\bshiba inu\b/i, "SHIB"],
  [/\btether'?s?\b/i, "USDT"],
  [/\bhyperliquid'?s?\b/i, "HYPE"],
];

/** Tickers that are English words: only in capitals (in a headline not all in capitals) or as $TICKER. */
const WORD_TICKERS = new Set(
  "ONE SUN GAS ACT NOT NEAR LINK DOT OP ARB SAND APE PEOPLE CAKE BAND GLM HIGH LOW MASK BOND JOE TRUMP ME MOVE ZRO BLUR ID MAGIC GOAT PUMP BANANA BOME MEME WIN ALT PORTAL HOOK ACE SUPER TRU COOKIE SAGA DOG CAT BOB FUN REAL KEY POND FORM EDEN LAYER BIO SIGN VANA USUAL PENGU ORDER FIDA WAL HOME BABY TUT RED GPS STO KITE NIL HAEDAL TOWNS SAHARA".split(
    " ",
  ),
);

/** Tickers that are everyday acronyms in crypto news: only as $TICKER. */
const ACRONYM_TICKERS = new Set(
  "AI US USA UK EU CEO CFO CTO ETF ETFS SEC CFTC DOJ FBI FED IPO API NFT DAO DEX CEX TVL GDP CPI IMF OTC KYC AML ATH IT AM PM TV OK UP BTCFI DEFI GAME NEWS CITY".split(
    " ",
  ),
);

const CANDIDATE = /(?<![\p{L}\p{N}$])(\$?)([A-Za-z0-9]{2,12})(?![\p{L}\p{N}])/gu;

export function tagTokens(text: string, catalog: ReadonlySet<string>): string[] {
  const found = new Set<string>();
  const letters = text.replace(/[^\p{L}]/gu, "");
  const shouting = letters.length > 0 && letters === letters.toUpperCase();
  for (const match of text.matchAll(CANDIDATE)) {
    const dollar = match[1] === "$";
    const word = match[2] as string;
    const ticker = word.toUpperCase();
    if (!/[A-Z]/.test(ticker) || !catalog.has(ticker)) continue;
    if (dollar) {
      found.add(ticker);
      continue;
    }
    if (word !== ticker || ACRONYM_TICKERS.has(ticker)) continue;
    if (WORD_TICKERS.has(ticker) && shouting) continue;
    found.add(ticker);
  }
  for (const [pattern, token] of NAMES) if (catalog.has(token) && pattern.test(text)) found.add(token);
  return [...found].sort();
}

/** Tokens the tagger always knows, so headlines about the majors are tagged before any venue catalog was read. */
export const MAJOR_TOKENS: readonly string[] = [...new Set(NAMES.map(([, token]) => token))];
