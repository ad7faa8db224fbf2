import type { Capabilities, ExchangeGateway, Fill, KeyPermissions, MarketType, Order, Venue } from "../contract.ts";
import { ExchangeError } from "../errors.ts";
import type { PaperAccount, PaperStore } from "./paper-account.ts";
import {
  type FundingDue,
  type FundingHistory,
  fundingDue,
  fundingPaymentsSince,
  holdsPositions,
  readFundingHistory,
  settleFunding,
  startFunding,
} from "./paper-funding.ts";
import { changeLeverage, changeMarginMode, changePositionMode, checkLeverage } from "./paper-futures-settings.ts";
import { futuresWalletView, positionViews } from "./paper-linear.ts";
import { matchRestingOrders } from "./paper-matching.ts";
import {
  closeOrder,
  fileClosedOrders,
  isOpen,
  type PaperContext,
  toOrder,
  withClosedOrdersFiled,
} from "./paper-orders.ts";
import { placePaperOrder } from "./paper-placement.ts";
import { loadQuotes, type Quote, type Quotes } from "./paper-quotes.ts";
import { changeableCopy, fingerprint } from "./paper-snapshot.ts";
import { spotBalances } from "./paper-spot.ts";
import { cancelPaperStops, conditionalViews, setPaperStops, triggerStops } from "./paper-stops.ts";

/**
 * The paper broker behind the gateway contract: public data comes from the real venue (`market`, unsigned), orders
 * fill against its live book on a virtual account in `store`. The engine cannot tell it from a venue adapter.
 */

export type PaperSettings = { slippageBps: number; spotFeeRate: string; takerFeeRate: string; makerFeeRate: string };

export const DEFAULT_PAPER_SETTINGS: PaperSettings = {
  slippageBps: 5,
  spotFeeRate: "0.001",
  takerFeeRate: "0.0005",
  makerFeeRate: "0.0002",
};

export type PaperGatewayOptions = {
  venue: Venue;
  market: ExchangeGateway;
  store: PaperStore;
  settings?: Partial<PaperSettings>;
  now?: () => number;
  /**
   * Reuse the prices lazy matching read for this long (ms) within this gateway: the engine makes one per review and
   * lets the review's calls share them. 0 (the default) reads them on every call.
   */
  quoteReuseMs?: number;
  /**
   * false: a view of the account as the engine last left it, for showing it: no funding, matching or stop triggers,
   * nothing saved, and a call that would change the account is refused. Matching on a read filled resting orders
   * the portfolio's ledger and fills only learn of at its next review, so the two disagreed until then.
   */
  settle?: boolean;
};

const NAMES = { binance: "Paper (Binance)", bybit: "Paper (Bybit)" } as const;
const READ_OPS = ["markets", "ticker", "klines", "orderBookTop"] as const;
const ORDER_OPS = ["placeOrder", "cancelOrder", "getOrder", "openOrders", "fills"] as const;
const FUTURES_OPS = ["futuresWallet", "positions", "setPositionMode", "setMarginMode", "setLeverage", "stops"] as const;

/** Paper trading needs no key rights at all, and can never withdraw. */
const PERMISSIONS: KeyPermissions = {
  canRead: true,
  spotTrading: true,
  futuresTrading: true,
  withdrawals: false,
  ipRestricted: null,
  note: null,
};

function paperCapabilities(venue: Venue, market: ExchangeGateway, settings: PaperSettings): Capabilities {
  return {
    venue,
    name: NAMES[venue],
    markets: ["spot", "linear"],
    environments: [...market.capabilities.environments],
    operations: {
      spot: [...READ_OPS, "balances", ...ORDER_OPS],
      linear: [...READ_OPS, ...ORDER_OPS, ...FUTURES_OPS],
    },
    notes: [
      `Orders fill on a virtual account against the venue's live public prices; nothing is sent to ${venue === "binance" ? "Binance" : "Bybit"}.`,
      `Market orders fill in full at the book top (buy at the ask, sell at the bid) moved ${settings.slippageBps} bps against the order; marketable limits fill the same way but never worse than their limit.`,
      "Resting limits fill in full at their limit price as maker when a later call sees the book cross them; the book depth is not modelled.",
      `Fees: spot ${settings.spotFeeRate} of the asset received; USDT perpetuals ${settings.takerFeeRate} taker and ${settings.makerFeeRate} maker of the notional, from the futures wallet.`,
      "Stop-loss and take-profit close the whole leg at market when a later call sees the mark price cross them.",
      "The futures wallet is separate from spot on both venues; liquidation is not modelled.",
      "Funding is charged at each 8-hour funding time a position is held through, at the rate and mark price of the venue's public funding history, by the first call after it.",
    ],
  };
}

type Extra = Partial<Record<MarketType, string[]>>;
type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Symbols whose prices lazy matching needs: resting orders, stops, and positions (for marks and margin). */
function watchedSymbols(account: PaperAccount, extra: Extra): Record<MarketType, string[]> {
  const spot = new Set(extra.spot ?? []);
  const linear = new Set(extra.linear ?? []);
  for (const order of Object.values(account.orders)) {
    if (isOpen(order)) (order.market === "spot" ? spot : linear).add(order.symbol);
  }
  for (const stop of account.conditionals) linear.add(stop.symbol);
  for (const position of Object.values(account.positions)) linear.add(position.symbol);
  return { spot: [...spot].sort(), linear: [...linear].sort() };
}

/** The load-to-save section of each call, one at a time per store (every gateway on that store shares it). */
const sections = new WeakMap<PaperStore, Promise<unknown>>();

function oneAtATime<T>(store: PaperStore, work: () => Promise<T>): Promise<T> {
  const result = (sections.get(store) ?? Promise.resolve()).then(work, work);
  sections.set(
    store,
    result.catch(() => undefined),
  );
  return result;
}

export function createPaperGateway(options: PaperGatewayOptions): ExchangeGateway {
  const { venue, market, store } = options;
  const settings: PaperSettings = { ...DEFAULT_PAPER_SETTINGS, ...options.settings };
  const now = options.now ?? Date.now;
  const settles = options.settle ?? true;

  const loadAccount = async (): Promise<PaperAccount> => {
    const account = await store.load();
    if (!account) throw new ExchangeError("not_supported", "The paper account is not set up.", { venue });
    if (account.venue !== venue) {
      throw new ExchangeError("not_supported", `The paper account belongs to ${account.venue}, not ${venue}.`, {
        venue,
      });
    }
    return withClosedOrdersFiled(account);
  };

  // Quotes of the same symbols asked again within `quoteReuseMs` (one review's calls) are read once.
  const recent = new Map<string, { at: number; quotes: Promise<Map<string, Quote>> }>();
  const quotesOf = (type: MarketType, symbols: string[]) => {
    const reuse = options.quoteReuseMs ?? 0;
    if (reuse <= 0 || symbols.length === 0) return loadQuotes(market, type, symbols);
    const key = `${type}|${symbols.join(",")}`;
    const hit = recent.get(key);
    if (hit && now() - hit.at < reuse) return hit.quotes;
    const quotes = loadQuotes(market, type, symbols);
    recent.set(key, { at: now(), quotes });
    quotes.catch(() => recent.delete(key));
    return quotes;
  };

  const loadWatchedQuotes = async (account: PaperAccount, extra: Extra): Promise<Quotes> => {
    const symbols = watchedSymbols(account, extra);
    const [spot, linear] = await Promise.all([quotesOf("spot", symbols.spot), quotesOf("linear", symbols.linear)]);
    return { spot, linear };
  };

  /**
   * One call on the account: load it, read which prices it needs, fetch them, match lazily, run `change` on a copy
   * and save once if anything moved. Load to save runs one call at a time per store (the load itself is awaited, so
   * calls whose prices arrive together would otherwise save over each other); the account is loaded once per call.
   * A refused change keeps the fills lazy matching made.
   */
  const session = async <T>(
    extra: Extra,
    change: (account: PaperAccount, ctx: PaperContext, quotes: Quotes) => T,
  ): Promise<T> =>
    oneAtATime(store, async () => {
      const account = await loadAccount();
      // The venue's funding history is read only when a funding time passed while a position was held.
      const due = settles ? fundingDue(account, now()) : null;
      const [quotes, history] = await Promise.all([
        loadWatchedQuotes(account, extra),
        due && due.symbols.length > 0 ? readFundingHistory(market, due) : (new Map() as FundingHistory),
      ]);
      return apply(account, quotes, { due, history }, change);
    });

  const apply = async <T>(
    stored: PaperAccount,
    quotes: Quotes,
    funding: { due: FundingDue | null; history: FundingHistory },
    change: (account: PaperAccount, ctx: PaperContext, quotes: Quotes) => T,
  ): Promise<T> => {
    const before = fingerprint(stored);
    const ctx: PaperContext = { venue, settings, now: now() };
    // What was loaded stays as it was (paper-snapshot.ts): lazy matching works on a copy, the change on another.
    const account = settles ? changeableCopy(stored) : stored;
    // Funding first: it was due before anything this call fills or changes.
    const wasFlat = !holdsPositions(account);
    if (settles) {
      settleFunding(account, funding.due, funding.history, quotes.linear);
      matchRestingOrders(account, ctx, quotes);
      triggerStops(account, ctx, quotes.linear);
    }
    const draft = changeableCopy(account);
    let outcome: Outcome<T>;
    try {
      outcome = { ok: true, value: change(draft, ctx, quotes) };
    } catch (error) {
      outcome = { ok: false, error };
    }
    if (!settles) {
      if (!outcome.ok) throw outcome.error;
      if (fingerprint(draft) !== before)
        throw new ExchangeError("not_supported", "This view of the paper account cannot change it.", { venue });
      return outcome.value;
    }
    const next = outcome.ok ? draft : account;
    startFunding(next, wasFlat, ctx.now);
    fileClosedOrders(next);
    if (fingerprint(next) !== before) await store.save(next);
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  };

  const findOrder = (account: PaperAccount, type: MarketType, symbol: string, clientOrderId: string) => {
    const order = account.orders[clientOrderId] ?? account.closedOrders[clientOrderId];
    return order && order.market === type && order.symbol === symbol ? order : null;
  };

  return {
    venue,
    capabilities: paperCapabilities(venue, market, settings),

    serverTime: (type) => market.serverTime(type),
    markets: (type) => market.markets(type),
    market: (type, symbol) => market.market(type, symbol),
    tickers: (type, symbols) => market.tickers(type, symbols),
    klines: (type, symbol, interval, limit) => market.klines(type, symbol, interval, limit),
    orderBookTop: (type, symbol) => market.orderBookTop(type, symbol),
    futuresStats: (symbols) => market.futuresStats(symbols),
    fundingHistory: (symbol, since) => market.fundingHistory(symbol, since),
    fundingPayments: (since) => session({}, (account) => fundingPaymentsSince(account, since)),

    balances: () => session({}, (account) => spotBalances(account)),
    permissions: async () => ({ ...PERMISSIONS }),

    async placeOrder(request): Promise<Order> {
      // Public reads first: the account is loaded only once the order is ready to be judged.
      const [instrument, book] = await Promise.all([
        market.market(request.market, request.symbol),
        market.orderBookTop(request.market, request.symbol),
      ]);
      return session({}, (account, ctx, quotes) =>
        placePaperOrder(account, ctx, { request, market: instrument, book }, quotes.linear),
      );
    },

    cancelOrder: (type, symbol, clientOrderId) =>
      session({}, (account, ctx) => {
        const order = findOrder(account, type, symbol, clientOrderId);
        // Both venues answer "order not found" for an order that has already filled or closed.
        if (!order || !isOpen(order)) {
          throw new ExchangeError("order_not_found", `No open ${symbol} order with client id ${clientOrderId}.`, {
            venue,
          });
        }
        closeOrder(account, order, "canceled", ctx.now);
        return toOrder(order);
      }),

    getOrder: (type, symbol, clientOrderId) =>
      session({}, (account) => {
        const order = findOrder(account, type, symbol, clientOrderId);
        return order ? toOrder(order) : null;
      }),

    openOrders: (type, symbol) =>
      session({}, (account) =>
        Object.values(account.orders)
          .filter((o) => o.market === type && isOpen(o) && (symbol === undefined || o.symbol === symbol))
          .sort((a, b) => a.createdAt - b.createdAt)
          .map(toOrder),
      ),

    fills: (type, symbol, since) =>
      session({}, (account): Fill[] =>
        account.fills
          .filter((f) => f.market === type && f.symbol === symbol && f.time >= since)
          .map(({ market: _market, ...fill }) => fill),
      ),

    futuresWallet: () => session({}, (account, _ctx, quotes) => futuresWalletView(account, quotes.linear)),
    positions: (symbol) => session({}, (account, _ctx, quotes) => positionViews(account, quotes.linear, symbol)),
    positionMode: () => session({}, (account) => account.positionMode),
    setPositionMode: (mode) => session({}, (account, ctx) => changePositionMode(account, ctx, mode)),

    async setMarginMode(symbol, mode): Promise<void> {
      await market.market("linear", symbol);
      await session({}, (account, ctx) => changeMarginMode(account, ctx, symbol, mode));
    },

    async setLeverage(symbol, leverage): Promise<void> {
      checkLeverage(await market.market("linear", symbol), leverage);
      await session({}, (account, ctx, quotes) => changeLeverage(account, ctx, symbol, leverage, quotes.linear));
    },

    async setStops(request) {
      const instrument = await market.market("linear", request.symbol);
      return session({ linear: [request.symbol] }, (account, ctx, quotes) =>
        setPaperStops(account, ctx, { request, market: instrument }, quotes.linear.get(request.symbol)),
      );
    },

    cancelStops: (symbol, positionSide) => session({}, (account) => cancelPaperStops(account, symbol, positionSide)),
    conditionalOrders: (symbol) => session({}, (account) => conditionalViews(account, symbol)),
  };
}
