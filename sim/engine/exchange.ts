import { newAccount } from "./accounts.ts";
import { CandleScripts } from "./candle-scripts.ts";
import { cancelConditional, placeConditional, triggerConditionals } from "./conditionals.ts";
import { type EngineContext, findInstrument, isOpen, tradingInstrument } from "./context.ts";
import { Dec, formatToStep, roundToStep } from "./decimal.ts";
import { parsePositive } from "./filters.ts";
import { chargeFunding, FUNDING_INTERVAL_MS, fundingHistory, fundingPeriod, openInterest } from "./funding.ts";
import { defaultInstruments, instrumentKey } from "./instruments.ts";
import { cancelOrder, matchRestingOrders, placeOrder } from "./matching.ts";
import { futuresEquity, leverageOf, marginModeOf, positionViews } from "./positions.ts";
import { PricePaths } from "./prices.ts";
import {
  type Account,
  type ExchangeOptions,
  type OrderLookup,
  SimError,
  type SimExchange,
  type SimMarket,
  type SimOrder,
  type SimVenue,
} from "./types.ts";

const DEFAULT_SEED = 42;
const FIRST_ID = 100_000_001;

/** Builds one venue's simulated exchange (see SimExchange in types.ts for the contract). */
export function createExchange(venue: SimVenue, options: ExchangeOptions = {}): SimExchange {
  const clock = options.now ?? Date.now;
  const instruments = new Map(
    (options.instruments ?? defaultInstruments(venue)).map((instrument) => [
      instrumentKey(instrument.market, instrument.symbol),
      instrument,
    ]),
  );
  let lastId = FIRST_ID - 1;
  const ctx: EngineContext = {
    venue,
    now: clock,
    paths: new PricePaths(options.seed ?? DEFAULT_SEED, options.volatility ?? 1, options.scenario ?? null),
    instruments,
    nextId: () => String(++lastId),
    locks: new Map(),
  };
  const accounts = new Map<string, Account>();
  const candleScripts = new CandleScripts();
  let accountCount = 0;
  let lastStepSecond = Number.NEGATIVE_INFINITY;
  let lastFundingPeriod = fundingPeriod(clock());

  /** Funding is charged once per 8-hour boundary the clock has crossed (several crossed at once: once). */
  function settleDueFunding(): void {
    const period = fundingPeriod(ctx.now());
    if (period <= lastFundingPeriod) return;
    lastFundingPeriod = period;
    // At the funding time's rate and mark, as the public funding history shows them.
    for (const account of accounts.values()) chargeFunding(ctx, account, period * FUNDING_INTERVAL_MS);
  }

  function step(): void {
    settleDueFunding();
    lastStepSecond = Math.floor(ctx.now() / 1000);
    for (const account of accounts.values()) {
      matchRestingOrders(ctx, account);
      triggerConditionals(ctx, account);
    }
  }

  /** Lazy time: at most one automatic matching step per second of the clock, whoever asks. */
  function catchUp(): void {
    if (Math.floor(ctx.now() / 1000) > lastStepSecond) step();
  }

  function findOrder(account: Account, market: SimMarket, symbol: string, by: OrderLookup): SimOrder | undefined {
    if (by.orderId !== undefined) {
      const order = account.orders.get(by.orderId);
      return order && order.market === market && order.symbol === symbol ? order : undefined;
    }
    let latest: SimOrder | undefined;
    for (const order of account.orders.values()) {
      if (order.market === market && order.symbol === symbol && order.clientOrderId === by.clientOrderId) {
        latest = order;
      }
    }
    return latest;
  }

  return {
    venue,
    now: () => ctx.now(),
    instruments: (market) => [...instruments.values()].filter((instrument) => instrument.market === market),
    instrument: (market, symbol) => instruments.get(instrumentKey(market, symbol)),
    price: (market, symbol) => ctx.paths.price(findInstrument(ctx, market, symbol), ctx.now()),
    bookTop: (market, symbol) => ctx.paths.bookTop(findInstrument(ctx, market, symbol), ctx.now()),
    klines(market, symbol, intervalMs, limit, endTime) {
      if (!Number.isInteger(intervalMs) || intervalMs < 1000 || !Number.isInteger(limit) || limit < 1) {
        throw new SimError("invalid_parameter", "interval must be at least 1 s and limit at least 1");
      }
      const now = ctx.now();
      const instrument = findInstrument(ctx, market, symbol);
      return (
        candleScripts.klines(market, symbol, intervalMs, limit, endTime ?? now, now) ??
        ctx.paths.klines(instrument, intervalMs, limit, endTime ?? now, now)
      );
    },
    scriptCandles(script) {
      findInstrument(ctx, script.market, script.symbol);
      candleScripts.set(script);
    },
    clearCandleScript: (market, symbol) => candleScripts.delete(market, symbol),
    fundingRate: (symbol) => ctx.paths.fundingRate(findInstrument(ctx, "linear", symbol), ctx.now()),
    openInterest: (symbol) => openInterest(ctx, accounts.values(), symbol),
    fundingHistory: (symbol, query) =>
      candleScripts.fundingHistory(symbol, fundingHistory(ctx, symbol, query), ctx.now()),
    fundingPayments(account, since) {
      settleDueFunding();
      return account.funding.filter((payment) => payment.time >= since);
    },
    chargeFunding: (only) => (only ? [only] : [...accounts.values()]).flatMap((account) => chargeFunding(ctx, account)),

    createAccount(input) {
      if (input.apiKey !== undefined && accounts.has(input.apiKey)) {
        throw new SimError("invalid_parameter", "an account with this API key already exists");
      }
      accountCount++;
      const account = newAccount(venue, `${venue}-${accountCount}`, input);
      accounts.set(account.apiKey, account);
      return account;
    },
    accountByKey: (apiKey) => accounts.get(apiKey),
    accounts: () => [...accounts.values()],

    placeOrder(account, input) {
      catchUp();
      return placeOrder(ctx, account, input);
    },
    cancelOrder(account, market, symbol, by) {
      catchUp();
      const order = findOrder(account, market, symbol, by);
      if (!order) throw new SimError("order_not_found", "order does not exist");
      return cancelOrder(ctx, account, order);
    },
    getOrder(account, market, symbol, by) {
      catchUp();
      return findOrder(account, market, symbol, by);
    },
    openOrders(account, market, symbol) {
      catchUp();
      return [...account.orders.values()].filter(
        (order) => order.market === market && isOpen(order) && (symbol === undefined || order.symbol === symbol),
      );
    },
    fills(account, market, symbol, since) {
      catchUp();
      return account.fills.filter((fill) => fill.market === market && fill.symbol === symbol && fill.time >= since);
    },

    setLeverage(account, symbol, leverage) {
      catchUp();
      const instrument = tradingInstrument(ctx, "linear", symbol);
      if (!Number.isInteger(leverage) || leverage < 1 || leverage > instrument.maxLeverage) {
        throw new SimError("invalid_leverage", `leverage must be 1..${instrument.maxLeverage}`);
      }
      if (leverageOf(account, symbol) === leverage) return "no_change";
      account.leverage.set(symbol, leverage);
      for (const position of account.positions.values()) {
        if (position.symbol === symbol) position.leverage = leverage;
      }
      return "changed";
    },
    setMarginMode(account, symbol, mode) {
      catchUp();
      tradingInstrument(ctx, "linear", symbol);
      if (marginModeOf(account, symbol) === mode) return "no_change";
      // Binance -4047/-4048: the margin type cannot change while the symbol has open orders or a position.
      if (hasExposure(account, symbol)) {
        throw new SimError(
          "invalid_parameter",
          `cannot change the margin mode of ${symbol} with open orders or a position`,
        );
      }
      account.marginMode.set(symbol, mode);
      return "changed";
    },
    setAccountMarginMode(account, mode) {
      catchUp();
      const symbols = [...instruments.values()].filter((i) => i.market === "linear").map((i) => i.symbol);
      if (symbols.every((symbol) => marginModeOf(account, symbol) === mode)) return "no_change";
      // Open positions and orders cannot move between the shared pool and their own margin.
      if (hasExposure(account)) {
        throw new SimError(
          "invalid_parameter",
          "cannot change the account's margin mode with open orders or positions",
        );
      }
      for (const symbol of symbols) account.marginMode.set(symbol, mode);
      return "changed";
    },
    setPositionMode(account, mode) {
      catchUp();
      if (account.positionMode === mode) return "no_change";
      // Binance -4067/-4068: the position mode applies to every symbol and cannot change with orders or positions.
      if (hasExposure(account)) {
        throw new SimError("invalid_parameter", "cannot change the position mode with open orders or positions");
      }
      account.positionMode = mode;
      return "changed";
    },
    positions(account, symbol) {
      catchUp();
      return positionViews(ctx, account, symbol);
    },
    futuresEquity(account) {
      catchUp();
      return futuresEquity(ctx, account);
    },

    placeConditional(account, input) {
      catchUp();
      return placeConditional(ctx, account, input);
    },
    cancelConditional(account, by) {
      catchUp();
      return cancelConditional(ctx, account, by);
    },
    conditionals(account, symbol) {
      catchUp();
      return [...account.conditionals.values()].filter(
        (conditional) => conditional.status === "new" && (symbol === undefined || conditional.symbol === symbol),
      );
    },

    setPrice(market, symbol, price, options) {
      const instrument = findInstrument(ctx, market, symbol);
      const rounded = roundToStep(parsePositive(price, "price"), instrument.tickSize, "nearest");
      if (rounded.lte(0)) throw new SimError("invalid_parameter", `price ${price} rounds to zero`);
      ctx.paths.setPrice(instrument, formatToStep(rounded, instrument.tickSize), ctx.now(), options?.hold ?? false);
    },
    settle: step,
    reset() {
      accounts.clear();
      ctx.locks.clear();
      ctx.paths.reset();
      candleScripts.clear();
      lastStepSecond = Number.NEGATIVE_INFINITY;
      lastFundingPeriod = fundingPeriod(ctx.now());
    },
  };
}

function hasExposure(account: Account, symbol?: string): boolean {
  const matches = (candidate: string) => symbol === undefined || candidate === symbol;
  for (const position of account.positions.values()) {
    if (matches(position.symbol) && !new Dec(position.size).eq(0)) return true;
  }
  for (const order of account.orders.values()) {
    if (order.market === "linear" && isOpen(order) && matches(order.symbol)) return true;
  }
  for (const conditional of account.conditionals.values()) {
    if (conditional.status === "new" && matches(conditional.symbol)) return true;
  }
  return false;
}
