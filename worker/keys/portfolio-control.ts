/**
 * The seam to the portfolio engine. Identity and key code call it; worker/portfolios/control.ts implements it by
 * pausing the running portfolios with the reason and canceling their open orders while the key still opens.
 */
export type PortfolioControl = {
  /** A user was disabled: stop every portfolio they own. */
  stopPortfoliosOfUser(userId: string): Promise<void>;
  /** An exchange key is about to be deleted or replaced: stop the portfolios that trade with it. */
  stopPortfoliosUsingKey(userId: string, exchangeKeyId: string, change: "replaced" | "deleted"): Promise<void>;
};

/** For tests of identity code that must not touch portfolios. */
export const noPortfolioEngine: PortfolioControl = {
  async stopPortfoliosOfUser() {},
  async stopPortfoliosUsingKey() {},
};
