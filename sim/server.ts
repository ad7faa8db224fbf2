import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { Hono } from "hono";
import { controlRoutes } from "./control.ts";
import { environmentGate, FORWARDED_HOST } from "./environments.ts";
import { googleRoutes } from "./google/routes.ts";
import { protocols } from "./protocols.ts";
import { createSimState, type SimState, type SimStateOptions } from "./state.ts";

export type { SimState } from "./state.ts";

export type SimulatorOptions = SimStateOptions & { port?: number };

export type Simulator = { url: string; port: number; state: SimState; close(): Promise<void> };

/**
 * One app: the control API, Google's identity endpoints and every registered venue protocol, each request counted.
 * Requests forwarded for a venue's testnet or demo site only reach what that site serves (environments.ts).
 */
export function createSimulatorApp(state: SimState): Hono {
  const app = new Hono();
  app.use(async (c, next) => {
    await next();
    const host = c.req.header(FORWARDED_HOST) ?? null;
    // Binance and Bybit name the API key in these headers on every signed request.
    const apiKey = c.req.header("x-mbx-apikey") ?? c.req.header("x-bapi-api-key") ?? null;
    state.requests.record(c.req.method, new URL(c.req.url).pathname, c.res.status, host, apiKey);
  });
  app.use(environmentGate(state));
  app.route("/control", controlRoutes(state));
  app.route("/google", googleRoutes(state.google));
  for (const protocol of protocols) app.route("/", protocol(state));
  return app;
}

/** Serves the simulator on 127.0.0.1 (never another interface); port 0 picks a free port. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const state = await createSimState(options);
  const app = createSimulatorApp(state);
  const { server, port } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: options.port ?? 0, hostname: "127.0.0.1" }, (info: AddressInfo) =>
      resolve({ server, port: info.port }),
    );
    server.once("error", reject);
  });
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    state,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        if ("closeAllConnections" in server) server.closeAllConnections();
      }),
  };
}
