import type { Hono } from "hono";
import { binanceRoutes } from "./binance/routes.ts";
import { bybitRoutes } from "./bybit/routes.ts";
import { newsRoutes } from "./news/routes.ts";
import { notificationRoutes } from "./notifications/routes.ts";
import { openAiRoutes } from "./openai/routes.ts";
import type { SimState } from "./state.ts";

/**
 * The venue wire protocols (sim/binance, sim/bybit). Each factory returns a Hono app with the venue's real paths
 * (/api/v3/…, /fapi/v1/…, /v5/…), mounted at "/" by the server. Register a module by adding its factory here.
 */
export type ProtocolModule = (state: SimState) => Hono;

export const protocols: ProtocolModule[] = [binanceRoutes, bybitRoutes, openAiRoutes, newsRoutes, notificationRoutes];
