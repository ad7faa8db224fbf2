import type { Allocation, EquityCurve } from "../../shared/api/portfolio-holdings.ts";
import { type AccountServices, marketDataGateway } from "../accounts/gateway-for-key.ts";
import type { Database } from "../db/client.ts";
import { ApiError } from "../http/api-error.ts";
import { readAllocation } from "./engine/holdings.ts";
import { equityPoints } from "./equity-store.ts";
import { ownedPortfolio } from "./store.ts";

/** How a portfolio is doing: its equity curve, and its allocation now against floors and targets. */

const DAY = 24 * 3_600_000;

export async function equityCurve(
  db: Database,
  userId: string,
  id: string,
  query: { from?: string; to?: string; limit: number },
  now: Date,
): Promise<EquityCurve> {
  const row = await ownedPortfolio(db, userId, id);
  const to = query.to ? new Date(query.to) : now;
  const from = query.from ? new Date(query.from) : new Date(to.getTime() - 30 * DAY);
  const points = await equityPoints(db, id, { from, to, limit: query.limit });
  return { cashToken: row.cashToken, startingEquity: row.startingEquity, points };
}

/** Valued at the venue's public prices in the key's environment (the same ones paper portfolios fill against). */
export async function allocationNow(
  services: AccountServices,
  userId: string,
  id: string,
  now: Date,
): Promise<Allocation> {
  const row = await ownedPortfolio(services.db, userId, id);
  const marketData = await marketDataGateway(services, userId, row.venue, row.exchangeKeyId).catch((error) => {
    if (error instanceof ApiError && error.code === "not_found")
      throw new ApiError("conflict", "The portfolio's exchange key was deleted, so its holdings cannot be priced.");
    throw error;
  });
  return readAllocation(row, marketData, now);
}
