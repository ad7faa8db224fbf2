/**
 * The seam to the portfolio engine (not built yet). Identity and key code call it; the engine implements it by
 * stopping the portfolios and cancelling their open orders. Until then there are no portfolios to stop.
 */
export type PortfolioControl = {
  /** A user was disabled: stop every portfolio they own. */
  stopPortfoliosOfUser(userId: string, reason: string): Promise<void>;
  /** An exchange key is about to be deleted or replaced: stop the portfolios that trade with it. */
  stopPortfoliosUsingKey(userId: string, exchangeKeyId: string, reason: string): Promise<void>;
};

export const noPortfolioEngine: PortfolioControl = {
  async stopPortfoliosOfUser() {},
  async stopPortfoliosUsingKey() {},
};
