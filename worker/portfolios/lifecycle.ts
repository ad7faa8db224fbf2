import Big from "big.js";
import type {
  CreatePortfolio,
  Portfolio,
  PortfolioActionResult,
  PortfolioStatus,
  UpdatePortfolio,
} from "../../shared/api/portfolios.ts";
import { withExchangeErrors } from "../accounts/exchange-error-response.ts";
import { type AccountServices, gatewayForKey, type KeyedGateway } from "../accounts/gateway-for-key.ts";
import type { ExchangeGateway } from "../exchanges/contract.ts";
import { ApiError } from "../http/api-error.ts";
import {
  type CanceledOrder,
  type ClosedPosition,
  cancelPortfolioOrders,
  closePortfolioPositions,
  portfolioSymbols,
} from "./portfolio-orders.ts";
import { transition } from "./status.ts";
import {
  activePortfoliosOfKey,
  configColumns,
  configOf,
  insertPortfolio,
  listPortfolioRows,
  ownedPortfolio,
  type PortfolioConfig,
  type PortfolioRow,
  toPortfolioView,
  updatePortfolioRow,
} from "./store.ts";
import { checkExclusive, checkMarkets, checkShape } from "./validation.ts";

/** The portfolio use cases behind the routes: each loads the caller's portfolio, applies the rules, saves. */

export type PortfolioServices = AccountServices & { now: Date };

export async function createPortfolio(
  services: PortfolioServices,
  userId: string,
  input: CreatePortfolio,
): Promise<Portfolio> {
  const { exchangeKeyId, ...config } = input;
  checkShape(config);
  const keyed = await gatewayForKey(services, userId, exchangeKeyId);
  await withExchangeErrors(() => checkMarkets(keyed.gateway, config));
  const row = await insertPortfolio(
    services.db,
    userId,
    { ...configColumns(config), exchangeKeyId, venue: keyed.venue },
    services.now,
  );
  return toPortfolioView(row);
}

export async function getPortfolio(services: PortfolioServices, userId: string, id: string): Promise<Portfolio> {
  return toPortfolioView(await ownedPortfolio(services.db, userId, id));
}

export async function listPortfolios(
  services: PortfolioServices,
  userId: string,
  query: { limit: number; cursor?: string; status?: PortfolioStatus },
): Promise<{ portfolios: Portfolio[]; nextCursor: string | null }> {
  const { rows, nextCursor } = await listPortfolioRows(services.db, userId, query);
  return { portfolios: rows.map(toPortfolioView), nextCursor };
}

/** Settings that change what trades (tokens, cash, leverage) are checked against the venue again. */
export async function updatePortfolio(
  services: PortfolioServices,
  userId: string,
  id: string,
  patch: UpdatePortfolio,
): Promise<Portfolio> {
  const row = await ownedPortfolio(services.db, userId, id);
  transition("update", row.status);
  const defined = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
  const config: PortfolioConfig = { ...configOf(row), ...defined };
  checkShape(config);
  if (patch.tokens || patch.cashToken || patch.futures) {
    const keyed = await openKey(services, userId, row.exchangeKeyId);
    await withExchangeErrors(() => checkMarkets(keyed.gateway, config));
  }
  if (row.status === "active")
    checkExclusive(config, row.id, await activePortfoliosOfKey(services.db, row.exchangeKeyId));
  return toPortfolioView(await updatePortfolioRow(services.db, row, configColumns(config), services.now));
}

/** Validates again (markets change), claims the tokens and records the starting equity in the cash token. */
export async function startPortfolio(services: PortfolioServices, userId: string, id: string): Promise<Portfolio> {
  const row = await ownedPortfolio(services.db, userId, id);
  const status = transition("start", row.status);
  const config = configOf(row);
  checkShape(config);
  const keyed = await openKey(services, userId, row.exchangeKeyId);
  checkExclusive(config, row.id, await activePortfoliosOfKey(services.db, row.exchangeKeyId));
  const startingEquity = await withExchangeErrors(async () => {
    await checkMarkets(keyed.gateway, config);
    return equityInCash(keyed.gateway, row);
  });
  const started = await updatePortfolioRow(
    services.db,
    row,
    { status, statusReason: null, startingEquity, startedAt: services.now },
    services.now,
  );
  return toPortfolioView(started);
}

/**
 * Spot: the cash token plus every portfolio token (free and locked) at its last price against the cash token. Futures:
 * the wallet's margin balance, which includes unrealized PnL of open positions.
 */
export async function equityInCash(gateway: ExchangeGateway, row: PortfolioRow): Promise<string> {
  if (row.market === "futures") return Big((await gateway.futuresWallet()).marginBalance).toFixed();
  const symbols = portfolioSymbols(row);
  const held = new Map((await gateway.balances()).map((b) => [b.asset, Big(b.total)]));
  const priced = symbols.filter((symbol) => held.get(symbol.slice(0, -row.cashToken.length))?.gt(0));
  const tickers = priced.length === 0 ? [] : await gateway.tickers("spot", priced);
  const tokens = tickers.reduce(
    (sum, t) => sum.plus(Big(t.last).times(held.get(t.symbol.slice(0, -row.cashToken.length)) ?? 0)),
    Big(0),
  );
  return tokens.plus(held.get(row.cashToken) ?? 0).toFixed();
}

/**
 * Stop is recorded first, so nothing new is planned while the orders are canceled; stop may be repeated when the
 * exchange could not be reached.
 */
export async function stopPortfolio(
  services: PortfolioServices,
  userId: string,
  id: string,
): Promise<PortfolioActionResult> {
  const row = await ownedPortfolio(services.db, userId, id);
  const stopped = await updatePortfolioRow(
    services.db,
    row,
    { status: transition("stop", row.status), statusReason: null },
    services.now,
  );
  const canceledOrders = await onExchange(services, stopped, (gateway) => cancelPortfolioOrders(gateway, stopped));
  return { portfolio: toPortfolioView(stopped), canceledOrders: canceledOrders ?? [], closedPositions: [] };
}

/** The kill switch: stop, then close the portfolio's futures positions with reduce-only market orders. */
export async function killPortfolio(
  services: PortfolioServices,
  userId: string,
  id: string,
): Promise<PortfolioActionResult> {
  const row = await ownedPortfolio(services.db, userId, id);
  const stopped = await updatePortfolioRow(
    services.db,
    row,
    { status: transition("kill", row.status), statusReason: "kill switch" },
    services.now,
  );
  const result = await onExchange(services, stopped, async (gateway) => {
    const canceledOrders: CanceledOrder[] = await cancelPortfolioOrders(gateway, stopped);
    const closedPositions: ClosedPosition[] = await closePortfolioPositions(gateway, stopped, services.now);
    return { canceledOrders, closedPositions };
  });
  return { portfolio: toPortfolioView(stopped), canceledOrders: [], closedPositions: [], ...result };
}

/** Soft delete; a running portfolio is stopped (orders canceled) first. */
export async function deletePortfolio(services: PortfolioServices, userId: string, id: string): Promise<void> {
  const row = await ownedPortfolio(services.db, userId, id);
  const status = transition("delete", row.status);
  if (row.status === "active" || row.status === "paused") await stopPortfolio(services, userId, id);
  await updatePortfolioRow(services.db, row, { status, deletedAt: services.now, startingEquity: null }, services.now);
}

async function openKey(services: PortfolioServices, userId: string, keyId: string): Promise<KeyedGateway> {
  return gatewayForKey(services, userId, keyId).catch((error: unknown) => {
    if (error instanceof ApiError && error.code === "not_found")
      throw new ApiError(
        "not_found",
        "The portfolio's exchange key no longer exists; create a portfolio on another key.",
      );
    throw error;
  });
}

/**
 * Runs an exchange action with the portfolio's key. A key that is gone or unverified has nothing Ballast can
 * cancel, so the action is skipped (null); exchange failures are reported so the owner can retry.
 */
async function onExchange<T>(
  services: PortfolioServices,
  row: PortfolioRow,
  action: (gateway: ExchangeGateway) => Promise<T>,
): Promise<T | null> {
  const keyed = await gatewayForKey(services, row.userId, row.exchangeKeyId).catch((error: unknown) => {
    if (error instanceof ApiError && (error.code === "not_found" || error.code === "key_unverified")) return null;
    throw error;
  });
  if (!keyed) return null;
  return withExchangeErrors(() => action(keyed.gateway));
}
