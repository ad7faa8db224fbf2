/**
 * Client order ids of a portfolio's orders: `p` + the first 8 characters of the portfolio id + `-` + a leg id. The
 * prefix is how stop and the kill switch recognise the portfolio's orders among the key's others (manual ones, other
 * portfolios'), and how a restarted engine finds what it placed. Both venues accept 36 characters, so legs get 26.
 */
export function clientOrderIdPrefix(portfolioId: string): string {
  return `p${portfolioId.replaceAll("-", "").slice(0, 8)}-`;
}

export function isPortfolioOrder(portfolioId: string, clientOrderId: string): boolean {
  return clientOrderId.startsWith(clientOrderIdPrefix(portfolioId));
}

/** A portfolio client order id for one leg (at most 26 characters of [A-Za-z0-9_-]). */
export function portfolioClientOrderId(portfolioId: string, leg: string): string {
  return `${clientOrderIdPrefix(portfolioId)}${leg}`.slice(0, 36);
}
