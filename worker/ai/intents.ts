import * as z from "zod";
import type { EngineText } from "../../shared/api/engine-messages.ts";
import { GUARD_CODES } from "../../shared/api/guard-codes.ts";
import { DecimalString, OrderSide, OrderType, PositionSide } from "../exchanges/contract.ts";
import { FuturesActionKind } from "./decision-schema.ts";

/**
 * What the guards hand to execution: orders in gateway terms, already rounded to the market's filters. `leg` is the
 * item's index in the decision, so the engine can derive deterministic client order ids (portfolio, run, leg).
 */

export const SpotOrderIntent = z.object({
  kind: z.literal("spot_order"),
  leg: z.number().int().min(0),
  symbol: z.string(),
  side: OrderSide,
  type: OrderType,
  /** Base quantity, floored to the step. */
  quantity: DecimalString,
  /** Limit price rounded to the tick; null for market orders. */
  price: DecimalString.nullable(),
  /** Checked again against the price just before placing: drop the order when it drifted further. */
  referencePrice: DecimalString,
  maxDriftPct: z.number(),
  notionalUsd: DecimalString,
});
export type SpotOrderIntent = z.infer<typeof SpotOrderIntent>;

export const FuturesOrderIntent = z.object({
  kind: z.literal("futures_order"),
  leg: z.number().int().min(0),
  action: FuturesActionKind.exclude(["HOLD"]),
  symbol: z.string(),
  positionSide: PositionSide,
  direction: z.enum(["long", "short"]),
  side: OrderSide,
  type: OrderType,
  quantity: DecimalString,
  price: DecimalString.nullable(),
  reduceOnly: z.boolean(),
  /** Set before the order; null when the position already has it. */
  leverage: z.number().int().nullable(),
  /** Protective orders to set once the order is placed (rounded so they fire no later than asked). */
  stopLoss: DecimalString.nullable(),
  takeProfit: DecimalString.nullable(),
  /** CLOSE: remove the position's protective orders afterwards. */
  cancelStops: z.boolean(),
  notionalUsd: DecimalString,
});
export type FuturesOrderIntent = z.infer<typeof FuturesOrderIntent>;

/** A HOLD that moves the protective orders of an open position. */
export const FuturesStopsIntent = z.object({
  kind: z.literal("futures_stops"),
  leg: z.number().int().min(0),
  symbol: z.string(),
  positionSide: PositionSide,
  direction: z.enum(["long", "short"]),
  stopLoss: DecimalString.nullable(),
  takeProfit: DecimalString.nullable(),
});
export type FuturesStopsIntent = z.infer<typeof FuturesStopsIntent>;

export const FuturesIntent = z.discriminatedUnion("kind", [FuturesOrderIntent, FuturesStopsIntent]);
export type FuturesIntent = z.infer<typeof FuturesIntent>;

export const GuardCode = z.enum(GUARD_CODES);
export type GuardCode = z.infer<typeof GuardCode>;

/** `reason` in English; `text` the same as an engine text (code and parameters) for the owner's language. */
export type Rejection<T> = { leg: number; item: T; code: GuardCode; reason: string; text: EngineText };

export type GuardOutcome<I, T> = { accepted: I[]; rejected: Rejection<T>[] };
