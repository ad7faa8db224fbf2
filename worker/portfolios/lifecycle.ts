import type {
  CreatePortfolio,
  Portfolio,
  PortfolioGlance,
  PortfolioListItem,
  PortfolioStatus,
  UpdatePortfolio,
} from "../../shared/api/portfolios.ts";
import { withExchangeErrors } from "../accounts/exchange-error-response.ts";
import { type AccountServices, gatewayForKey, type KeyedGateway } from "../accounts/gateway-for-key.ts";
import { ApiError } from "../http/api-error.ts";
import { checkShareChoice } from "../keys/ai-key-shares.ts";
import { portfolioGlances } from "./glance.ts";
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

/**
 * The portfolio use cases that need no exchange orders: create, read, list and change settings. Start, stop, the kill
 * switch and delete run in the portfolio's Durable Object (engine/controls.ts), the only writer of its orders.
 */

export type PortfolioServices = AccountServices & { now: Date };

export async function createPortfolio(
  services: PortfolioServices,
  userId: string,
  input: CreatePortfolio,
): Promise<Portfolio> {
  const { exchangeKeyId, ...config } = input;
  checkShape(config);
  await checkSharedKey(services, userId, config);
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
): Promise<{ portfolios: PortfolioListItem[]; nextCursor: string | null }> {
  const { rows, nextCursor } = await listPortfolioRows(services.db, userId, query);
  const glances = await portfolioGlances(services.db, rows, services.now);
  return {
    portfolios: rows.map((row, i) => ({ ...toPortfolioView(row), glance: glances[i] as PortfolioGlance })),
    nextCursor,
  };
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
  if (row.status === "active" || row.status === "paused") checkRunningChange(row, patch);
  const defined = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
  const config: PortfolioConfig = { ...configOf(row), ...defined };
  checkShape(config);
  // A share revoked since is the review's to report (it falls back); only a newly chosen one is checked here.
  if (patch.decisionSource) await checkSharedKey(services, userId, config);
  if (patch.tokens || patch.cashToken || patch.futures) {
    const keyed = await openKey(services, userId, row.exchangeKeyId);
    await withExchangeErrors(() => checkMarkets(keyed.gateway, config));
  }
  if (row.status === "active")
    checkExclusive(config, row.id, await activePortfoliosOfKey(services.db, row.exchangeKeyId));
  return toPortfolioView(await updatePortfolioRow(services.db, row, configColumns(config), services.now));
}

async function checkSharedKey(services: PortfolioServices, userId: string, config: PortfolioConfig): Promise<void> {
  const source = config.decisionSource;
  if (source.provider === "builtin" || source.sharedKeyId === null) return;
  await checkShareChoice(services.db, userId, { provider: source.provider, sharedKeyId: source.sharedKeyId });
}

/**
 * What a running (or paused) portfolio owns is its ledger, claimed at start for its tokens and cash: switching paper
 * and live, or changing the tokens or the cash token, needs a stop, and the next start claims again.
 */
function checkRunningChange(row: PortfolioRow, patch: UpdatePortfolio): void {
  const stored = configOf(row);
  const changed = (field: "paper" | "cashToken" | "tokens") =>
    patch[field] !== undefined && JSON.stringify(patch[field]) !== JSON.stringify(stored[field]);
  const sameTokens =
    patch.tokens === undefined ||
    JSON.stringify(patch.tokens.map((t) => t.token).sort()) ===
      JSON.stringify(stored.tokens.map((t) => t.token).sort());
  const field = changed("paper") ? "paper" : changed("cashToken") ? "cashToken" : sameTokens ? null : "tokens";
  if (!field) return;
  const message = "stop the portfolio first: what it owns is claimed again when it starts";
  throw new ApiError("conflict", `${field}: ${message}.`, { details: { issues: [{ path: field, message }] } });
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
