import { api, type CashToken, type ExchangeKey, type PortfolioMarket } from "#lib/api/client.ts";
import { FUTURES_CASH } from "./options.ts";

/**
 * Tokens worth suggesting for a portfolio on this key: the bases of trading spot pairs `<TOKEN><CASH>`, or of the
 * USDT perpetuals `<TOKEN>USDT`, read from the key's own environment (testnet and demo list other markets).
 */
export async function tokenSuggestions(
  key: ExchangeKey,
  market: PortfolioMarket,
  cashToken: CashToken,
): Promise<{ data?: string[]; error?: unknown }> {
  const quote = market === "futures" ? FUTURES_CASH : cashToken;
  const { data, error } = await api.GET("/api/exchanges/{venue}/markets", {
    params: {
      path: { venue: key.venue },
      query: { market: market === "futures" ? "linear" : "spot", keyId: key.id, q: quote, limit: 1000 },
    },
  });
  if (error !== undefined) return { error };
  const bases = data.markets.filter((m) => m.status === "trading" && m.quote === quote).map((m) => m.base);
  return { data: [...new Set(bases)].sort() };
}
