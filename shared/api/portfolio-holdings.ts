import { ConditionalOrder, DecimalString, Position } from "./exchanges.ts";
import * as z from "./zod.ts";

/**
 * What a portfolio holds and what it is worth. Values are in the portfolio's cash token; a portfolio owns what it
 * claimed at start plus the results of its own fills (its ledger), so other activity on the same key is not its PnL.
 */

export const Holding = z
  .object({
    asset: z.string(),
    quantity: DecimalString.openapi({ description: "What the portfolio owns (its ledger)" }),
    onExchange: DecimalString.nullable().openapi({
      description: "Total of this asset on the account (free + locked); null when the venue could not be reached",
    }),
    price: DecimalString.nullable().openapi({ description: "In the cash token" }),
    value: DecimalString.nullable(),
  })
  .openapi("Holding");
export type Holding = z.infer<typeof Holding>;

export const PortfolioPositions = z
  .object({
    holdings: z.array(Holding).openapi({ description: "Spot: the cash token and every token" }),
    positions: z.array(Position).openapi({ description: "Futures: open positions on the portfolio's contracts" }),
    stops: z.array(ConditionalOrder),
    at: z.iso.datetime(),
  })
  .openapi("PortfolioPositions");
export type PortfolioPositions = z.infer<typeof PortfolioPositions>;

export const EquityPoint = z
  .object({ at: z.iso.datetime(), equity: DecimalString, pnl: DecimalString })
  .openapi("EquityPoint");
export type EquityPoint = z.infer<typeof EquityPoint>;

export const EquityQuery = z.object({
  from: z.iso
    .datetime()
    .max(40)
    .optional()
    .openapi({ description: "Points at or after this time (default: 30 days ago)" }),
  to: z.iso.datetime().max(40).optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(1000),
});

export const EquityCurve = z
  .object({
    cashToken: z.string(),
    startingEquity: DecimalString.nullable(),
    points: z.array(EquityPoint).openapi({ description: "Oldest first; one point per run and one at start" }),
  })
  .openapi("EquityCurve");
export type EquityCurve = z.infer<typeof EquityCurve>;

export const AllocationItem = z
  .object({
    asset: z.string(),
    value: DecimalString.openapi({ description: "Spot: holding value. Futures: position notional (absolute)" }),
    allocationPct: z.number().openapi({ description: "Share of equity, in percent" }),
    minAllocation: z.number().nullable(),
    targetAllocation: z.number().nullable(),
    maxAllocation: z.number().nullable(),
    belowFloor: z.boolean(),
  })
  .openapi("AllocationItem");
export type AllocationItem = z.infer<typeof AllocationItem>;

export const Allocation = z
  .object({
    cashToken: z.string(),
    equity: DecimalString,
    at: z.iso.datetime(),
    items: z.array(AllocationItem).openapi({ description: "The cash token first (spot), then each token" }),
  })
  .openapi("Allocation");
export type Allocation = z.infer<typeof Allocation>;
