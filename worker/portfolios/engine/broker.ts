import { gatewayForKey, type KeyRow, marketDataGateway } from "../../accounts/gateway-for-key.ts";
import type { ExchangeGateway } from "../../exchanges/contract.ts";
import { newPaperAccount } from "../../exchanges/paper/paper-account.ts";
import { createPaperGateway } from "../../exchanges/paper/paper-gateway.ts";
import type { PriceReuse } from "../../exchanges/shared-market-data.ts";
import type { PortfolioRow } from "../store.ts";
import type { EngineServices } from "./engine-services.ts";
import type { Mutex } from "./mutex.ts";

/**
 * Who executes a portfolio's orders: the venue with the owner's signed key, or the paper broker (virtual account,
 * the venue's public prices in the key's environment). Orders remember which one placed them (`paper`), so a later
 * cancel or sync goes through the same broker even after the portfolio switched between paper and live.
 */
export type Brokers = {
  /** The broker for new orders of this portfolio. */
  current(): Promise<ExchangeGateway>;
  /** The broker that placed an order. */
  forOrder(order: { paper: boolean }): Promise<ExchangeGateway>;
  /**
   * For showing what the account holds: the venue, or the paper account as the engine last left it (no lazy
   * matching), so a paper portfolio's holdings agree with its ledger and fills until its next review records more.
   */
  view(): Promise<ExchangeGateway>;
};

/** `key`: the portfolio's key row if the caller read it already (a review reads it with its first batch). */
export function brokers(services: EngineServices, row: PortfolioRow, key?: KeyRow): Brokers {
  let live: Promise<ExchangeGateway> | null = null;
  let paper: Promise<ExchangeGateway> | null = null;
  const liveGateway = () => {
    // A review reads prices at its snapshot, plan, placement and record: within a second of its own read (a review
    // without an AI takes well under one) it reuses it instead of spending weight. Only its own: a review started
    // right after a move must see the new price.
    live ??= gatewayForKey(services, row.userId, row.exchangeKeyId, LIVE_PRICES, key).then((keyed) => keyed.gateway);
    return live;
  };
  const paperGateway = () => {
    // Prices are reused across the isolate's paper reviews for a second, as one review reuses its own: a thousand
    // paper portfolios due at once would otherwise spend the venue's weight budget per IP on identical reads.
    paper ??= marketDataGateway(services, row.userId, row.venue, row.exchangeKeyId, PAPER_PRICES, key).then((market) =>
      serialized(
        // One gateway per review or sync: its calls share the prices they match against for a second.
        createPaperGateway({ venue: row.venue, market, store: services.paperAccount, quoteReuseMs: PRICE_REUSE_MS }),
        services.paperLock,
      ),
    );
    return paper;
  };
  const paperView = () =>
    marketDataGateway(services, row.userId, row.venue, row.exchangeKeyId, PAPER_PRICES, key).then((market) =>
      serialized(
        createPaperGateway({ venue: row.venue, market, store: services.paperAccount, settle: false }),
        services.paperLock,
      ),
    );
  return {
    current: () => (row.paper ? paperGateway() : liveGateway()),
    forOrder: (order) => (order.paper ? paperGateway() : liveGateway()),
    view: () => (row.paper ? paperView() : liveGateway()),
  };
}

/** How long a review may use a price read before: a live review only its own, a paper one any on the venue host. */
const PRICE_REUSE_MS = 1_000;
const LIVE_PRICES: PriceReuse = { ms: PRICE_REUSE_MS, across: "gateway" };
const PAPER_PRICES: PriceReuse = { ms: PRICE_REUSE_MS, across: "isolate" };

/** Every call of the gateway holds the lock, so two calls never read and write the paper account across each other. */
function serialized(gateway: ExchangeGateway, lock: Mutex): ExchangeGateway {
  return new Proxy(gateway, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => lock.run(() => value.apply(target, args));
    },
  });
}

/**
 * Opens the paper account with the portfolio's capital in the cash token (spot) or as USDT margin (futures), unless
 * it exists. Answers whether it had to open one.
 */
export async function ensurePaperAccount(
  services: EngineServices,
  row: PortfolioRow,
  capital: string,
): Promise<boolean> {
  const store = services.paperAccount;
  if (await store.load()) return false;
  const account =
    row.market === "spot"
      ? newPaperAccount({ venue: row.venue, spot: { [row.cashToken]: capital }, futuresWallet: "0" })
      : newPaperAccount({ venue: row.venue, spot: {}, futuresWallet: capital });
  await store.save(account);
  return true;
}
