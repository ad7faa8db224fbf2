import Big from "big.js";
import type { Balances } from "../../shared/api/accounts.ts";
import type { Balance, ExchangeGateway, MarketType } from "../exchanges/contract.ts";
import type { KeyedGateway } from "./gateway-for-key.ts";

/** Stablecoins counted at 1 USD; every other asset is priced through its USDT spot market. */
const USD_STABLECOINS = new Set(["USDT", "USDC"]);
const QUOTE = "USDT";

/**
 * Normalized balances with a USD total. Prices come from ONE batched `tickers` call over the assets that have a
 * USDT spot market (the market list is cached by the adapter), never one request per asset.
 */
export async function valuedBalances({ keyId, venue, gateway }: KeyedGateway, market: MarketType): Promise<Balances> {
  const futuresWallet = market === "linear" ? await gateway.futuresWallet() : null;
  const held =
    futuresWallet === null
      ? (await gateway.balances()).filter((b) => Big(b.total).gt(0)).map(canonicalBalance)
      : [walletAsBalance(futuresWallet)];
  const prices = await usdPrices(
    gateway,
    held.map((b) => b.asset),
  );
  const balances = held.map((balance) => {
    const price = prices.get(balance.asset) ?? null;
    return { ...balance, priceUsd: price, valueUsd: price === null ? null : Big(balance.total).times(price).toFixed() };
  });
  const totalUsd = balances.reduce((sum, b) => (b.valueUsd === null ? sum : sum.plus(b.valueUsd)), Big(0));
  return {
    keyId,
    venue,
    market,
    balances,
    totalUsd: totalUsd.toFixed(),
    unpricedAssets: balances.filter((b) => b.priceUsd === null).map((b) => b.asset),
    futuresWallet,
  };
}

async function usdPrices(gateway: ExchangeGateway, assets: string[]): Promise<Map<string, string>> {
  const prices = new Map<string, string>();
  for (const asset of assets) if (USD_STABLECOINS.has(asset)) prices.set(asset, "1");
  const unpriced = assets.filter((asset) => !prices.has(asset));
  if (unpriced.length === 0) return prices;
  const listed = new Set((await gateway.markets("spot")).map((m) => m.symbol));
  const symbols = unpriced.map((asset) => `${asset}${QUOTE}`).filter((symbol) => listed.has(symbol));
  if (symbols.length === 0) return prices;
  for (const ticker of await gateway.tickers("spot", symbols)) {
    prices.set(ticker.symbol.slice(0, -QUOTE.length), Big(ticker.last).toFixed());
  }
  return prices;
}

/** Venues format decimals differently ("1.50000000" vs "1.5"); the API answers one canonical form. */
function canonicalBalance(balance: Balance): Balance {
  const canonical = (value: string) => Big(value).toFixed();
  return {
    ...balance,
    free: canonical(balance.free),
    locked: canonical(balance.locked),
    total: canonical(balance.total),
  };
}

/** The futures wallet as one balance row: what is free to use and what is held as margin. */
function walletAsBalance(wallet: { asset: string; walletBalance: string; availableBalance: string }): Balance {
  const locked = Big(wallet.walletBalance).minus(wallet.availableBalance);
  return {
    asset: wallet.asset,
    free: wallet.availableBalance,
    locked: (locked.lt(0) ? Big(0) : locked).toFixed(),
    total: wallet.walletBalance,
  };
}
