import * as z from "zod";

/**
 * Request bodies of the POST endpoints, as Bybit V5 accepts them: numbers are usually strings, but some fields
 * (positionIdx, mode) are integers, and clients send either form.
 */
const text = z.union([z.string(), z.number()]).transform(String);
const int = z.union([z.number(), z.string().regex(/^\d+$/)]).transform(Number);
const flag = z.union([z.boolean(), z.enum(["true", "false"])]).transform((v) => v === true || v === "true");

export const Category = z.enum(["spot", "linear"]);

export const CreateOrder = z.object({
  category: Category,
  symbol: z.string().min(1),
  side: z.enum(["Buy", "Sell"]),
  orderType: z.enum(["Market", "Limit"]),
  qty: text,
  price: text.optional(),
  timeInForce: z.enum(["GTC", "IOC", "FOK", "PostOnly"]).optional(),
  orderLinkId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,36}$/)
    .optional(),
  positionIdx: int.optional(),
  reduceOnly: flag.optional(),
  marketUnit: z.enum(["baseCoin", "quoteCoin"]).optional(),
});

export const CancelOrder = z.object({
  category: Category,
  symbol: z.string().min(1),
  orderId: z.string().optional(),
  orderLinkId: z.string().optional(),
});

export const SwitchMode = z.object({
  category: z.literal("linear"),
  symbol: z.string().optional(),
  coin: z.string().optional(),
  mode: int.pipe(z.union([z.literal(0), z.literal(3)])),
});

export const SetMarginMode = z.object({
  setMarginMode: z.enum(["ISOLATED_MARGIN", "REGULAR_MARGIN", "PORTFOLIO_MARGIN"]),
});

export const SetLeverage = z.object({
  category: z.literal("linear"),
  symbol: z.string().min(1),
  buyLeverage: text,
  sellLeverage: text,
});

export const TradingStop = z.object({
  category: z.literal("linear"),
  symbol: z.string().min(1),
  tpslMode: z.enum(["Full", "Partial"]),
  positionIdx: int.pipe(z.union([z.literal(0), z.literal(1), z.literal(2)])),
  takeProfit: text.optional(),
  stopLoss: text.optional(),
  tpTriggerBy: z.string().optional(),
  slTriggerBy: z.string().optional(),
});
