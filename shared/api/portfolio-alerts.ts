import * as z from "./zod.ts";

/**
 * Risk alerts the sync between reviews records on a portfolio (worker/portfolios/engine/risk-watch.ts). Each is a
 * code with its parameters; the text is the UI's (en/ru), so other channels (notifications) can render it too.
 */

/** Within this distance of the liquidation price (in % of it) a stop-loss is too close to count on. */
export const STOP_NEAR_LIQUIDATION_PCT = 1;

export const PortfolioAlertCode = z
  .enum(["stop_beyond_liquidation", "stop_near_liquidation"])
  .openapi("PortfolioAlertCode", {
    description:
      "`stop_beyond_liquidation`: the position would be liquidated before its stop-loss triggers (the portfolio is paused); " +
      `\`stop_near_liquidation\`: the stop-loss is within ${STOP_NEAR_LIQUIDATION_PCT}% of the liquidation price`,
  });
export type PortfolioAlertCode = z.infer<typeof PortfolioAlertCode>;

export const StopLiquidationParams = z.object({
  side: z.enum(["long", "short"]),
  stopLoss: z.string(),
  liquidationPrice: z.string(),
  markPrice: z.string(),
  /** Signed: positive while the stop-loss triggers before liquidation, zero or negative when it would not. */
  distancePct: z.string(),
  /** `venue` when the venue reported the liquidation price, `estimate` when Ballast computed it. */
  liquidationSource: z.enum(["venue", "estimate"]),
});
export type StopLiquidationParams = z.infer<typeof StopLiquidationParams>;

export const PortfolioAlert = z
  .object({
    id: z.string(),
    code: PortfolioAlertCode,
    symbol: z.string(),
    params: StopLiquidationParams,
    createdAt: z.iso.datetime(),
    seenAt: z.iso.datetime().openapi({ description: "When a sync last found the condition" }),
    resolvedAt: z.iso.datetime().nullable(),
  })
  .openapi("PortfolioAlert");
export type PortfolioAlert = z.infer<typeof PortfolioAlert>;

export const PortfolioAlertList = z
  .object({ alerts: z.array(PortfolioAlert).openapi({ description: "Open alerts first, then the latest resolved" }) })
  .openapi("PortfolioAlertList");
export type PortfolioAlertList = z.infer<typeof PortfolioAlertList>;
