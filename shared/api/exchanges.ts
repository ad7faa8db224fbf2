import { z } from "@hono/zod-openapi";

/** Venue enums shared by the gateway contract, the API and the web UI. */
export const Venue = z.enum(["binance", "bybit"]).openapi("Venue");
export type Venue = z.infer<typeof Venue>;

/** `spot` or USDT-margined perpetual contracts (`linear`). */
export const MarketType = z.enum(["spot", "linear"]).openapi("MarketType");
export type MarketType = z.infer<typeof MarketType>;

export const ExchangeEnvironment = z
  .enum(["live", "testnet", "demo", "custom"])
  .openapi("ExchangeEnvironment", { description: "`custom` needs `baseUrl` (an allowed host)" });
export type ExchangeEnvironment = z.infer<typeof ExchangeEnvironment>;
