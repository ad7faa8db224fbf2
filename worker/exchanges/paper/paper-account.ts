import Big from "big.js";
import * as z from "zod";
import {
  DecimalString,
  Fill,
  FundingPayment,
  MarginMode,
  MarketType,
  Order,
  PositionMode,
  PositionSide,
  StopKind,
  TimeInForce,
  Venue,
} from "../contract.ts";

/**
 * The whole state of one virtual account: the paper gateway loads it, changes a copy and saves that once per call
 * (a store may keep the parts apart: worker/portfolios/engine/paper-account-store.ts). Money is decimal strings, as on
 * the wire.
 */

const Holding = z.object({ free: DecimalString, locked: DecimalString });

/** Funds an open order holds back: spot quote (buy) or base (sell); linear initial margin in USDT. */
const Reservation = z.object({ asset: z.string(), amount: DecimalString });

export const PaperOrder = Order.extend({
  timeInForce: TimeInForce,
  /** Assets of the pair, so resting orders settle without another market lookup. */
  base: z.string(),
  quote: z.string(),
  reserved: Reservation.nullable(),
});
export type PaperOrder = z.infer<typeof PaperOrder>;

export const PaperFill = Fill.extend({ market: MarketType });
export type PaperFill = z.infer<typeof PaperFill>;

/** A linear leg; `size` is always positive, `side` says its direction. */
export const PaperPosition = z.object({
  symbol: z.string(),
  positionSide: PositionSide,
  side: z.enum(["long", "short"]),
  size: DecimalString,
  entryPrice: DecimalString,
  leverage: z.number().int(),
  marginMode: MarginMode,
});
export type PaperPosition = z.infer<typeof PaperPosition>;

/** A close-position stop-loss or take-profit watching the mark price of one leg. */
export const PaperConditional = z.object({
  exchangeId: z.string(),
  clientId: z.string(),
  symbol: z.string(),
  positionSide: PositionSide,
  side: z.enum(["long", "short"]),
  kind: StopKind,
  triggerPrice: DecimalString,
  /** Assets of the contract, for the closing order a trigger sends. */
  base: z.string(),
  quote: z.string(),
  createdAt: z.number().int(),
});
export type PaperConditional = z.infer<typeof PaperConditional>;

export const PaperAccount = z.object({
  venue: Venue,
  spot: z.record(z.string(), Holding),
  /** USDT futures wallet: deposits plus realized PnL minus fees. */
  futuresWallet: DecimalString,
  positionMode: PositionMode,
  leverage: z.record(z.string(), z.number().int()),
  marginMode: z.record(z.string(), MarginMode),
  /** Keyed by `positionKey(symbol, positionSide)`. */
  positions: z.record(z.string(), PaperPosition),
  /**
   * Open orders, keyed by client order id (ids are unique across the whole paper account); during a call also the
   * ones it closed, which it then files under `closedOrders` (paper-orders.ts).
   */
  orders: z.record(z.string(), PaperOrder),
  /**
   * Closed orders, kept for getOrder and duplicate checks. They never change once closed, so a call works without
   * going through them: filing or pruning replaces the record instead of changing it (copies share it).
   */
  closedOrders: z.record(z.string(), PaperOrder).default({}),
  /** Oldest first, at most MAX_FILLS. */
  fills: z.array(PaperFill),
  conditionals: z.array(PaperConditional),
  nextId: z.number().int().positive(),
  /**
   * The last funding time (epoch ms) settled while a position was held: later ones are charged at the next call that
   * finds one passed (paper-funding.ts). Set when a flat account opens a position; absent on accounts from before
   * funding was modelled, which start at the last funding time without charging anything retroactively.
   */
  fundingSettledAt: z.number().int().optional(),
  /** Funding paid (negative) or received, oldest first, the last 8 days at most (paper-funding.ts). */
  funding: z.array(FundingPayment).optional(),
});
export type PaperAccount = z.infer<typeof PaperAccount>;

export const MAX_FILLS = 500;

export function newPaperAccount(input: {
  venue: Venue;
  spot: Record<string, string>;
  futuresWallet: string;
}): PaperAccount {
  const spot: PaperAccount["spot"] = {};
  for (const [asset, amount] of Object.entries(input.spot)) {
    spot[asset] = { free: Big(amount).toFixed(), locked: "0" };
  }
  return PaperAccount.parse({
    venue: input.venue,
    spot,
    futuresWallet: Big(input.futuresWallet).toFixed(),
    positionMode: "one_way",
    leverage: {},
    marginMode: {},
    positions: {},
    orders: {},
    fills: [],
    conditionals: [],
    nextId: 1,
  });
}

/**
 * Where the account is kept. `load` may answer the same object to later loads (the portfolio's Durable Object keeps it
 * in memory): a caller never changes what it loaded, and `save` keeps the object it is given, which its caller then
 * leaves alone too.
 */
export interface PaperStore {
  load(): Promise<PaperAccount | null>;
  save(account: PaperAccount): Promise<void>;
}

/**
 * Keeps the account in memory (tests, the bench). It answers a deeply frozen copy, so a gateway that changed what it
 * loaded would throw here instead of corrupting a store that shares the object.
 */
export function memoryPaperStore(initial?: PaperAccount): PaperStore {
  let saved: PaperAccount | null = initial ? structuredClone(initial) : null;
  return {
    async load() {
      return saved ? deepFreeze(structuredClone(saved)) : null;
    },
    async save(account) {
      saved = PaperAccount.parse(structuredClone(account));
    },
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}
