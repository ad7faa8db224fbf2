import { type Context, Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { validator } from "hono/validator";
import * as z from "zod";
import { type Account, SimError, type SimExchange, type SimVenue } from "./engine/types.ts";
import { resetSimState, type SimState } from "./state.ts";

/**
 * The test-control API, mounted at /control (JSON, no auth; the server listens on loopback only): accounts,
 * prices, faults, limits, settlement, request counts, resets, state dumps and Google ID tokens.
 */

const venue = z.enum(["binance", "bybit"]);
const market = z.enum(["spot", "linear"]);
const decimal = z.string().regex(/^\d+(\.\d+)?$/, 'must be a decimal string such as "1000" or "0.5"');

const accountBody = z.object({
  venue,
  // Binance: live, spot-testnet, futures-testnet, demo; Bybit: live, testnet, demo (engine/accounts.ts checks).
  environment: z.enum(["live", "testnet", "spot-testnet", "futures-testnet", "demo"]).optional(),
  apiKey: z.string().min(1).max(128).optional(),
  apiSecret: z.string().min(1).max(128).optional(),
  permissions: z
    .object({
      read: z.boolean().optional(),
      spot: z.boolean().optional(),
      futures: z.boolean().optional(),
      withdrawals: z.boolean().optional(),
    })
    .optional(),
  spot: z.record(z.string().min(1), decimal).optional(),
  futuresWallet: decimal.optional(),
});

const instrumentQuery = z.object({ venue, market, symbol: z.string().min(1) });
const priceBody = instrumentQuery.extend({ price: decimal, hold: z.boolean().optional() });

const faultBody = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("timeout_after_accept"),
    venue,
    pathPrefix: z.string().min(1),
    apiKey: z.string().min(1).max(200).optional(),
    delayMs: z.number().int().min(0),
  }),
  z.object({
    type: z.literal("error_after_accept"),
    venue,
    pathPrefix: z.string().min(1),
    apiKey: z.string().min(1).max(200).optional(),
    status: z.number().int().min(400).max(599),
  }),
  z.object({
    type: z.literal("rate_limit"),
    venue,
    pathPrefix: z.string().min(1),
    apiKey: z.string().min(1).max(200).optional(),
    retryAfterSeconds: z.number().int().min(0),
  }),
  z.object({
    type: z.literal("redirect"),
    venue,
    pathPrefix: z.string().min(1),
    apiKey: z.string().min(1).max(200).optional(),
    status: z.union([z.literal(301), z.literal(302), z.literal(303), z.literal(307), z.literal(308)]),
  }),
  z.object({ type: z.literal("clock_skew"), venue, skewMs: z.number().int(), count: z.number().int().min(1) }),
]);

const limitsBody = z.strictObject({
  /** Sets only this client's Binance weight budget (requests carrying `X-Sim-Client: <client>`). */
  client: z.string().min(1).max(64).optional(),
  binanceWeightPerMinute: z.number().int().positive().optional(),
  binanceOrdersPer10s: z.number().int().positive().optional(),
  bybitPerSecond: z.number().int().positive().optional(),
});

const candle = z.object({ open: decimal, high: decimal, low: decimal, close: decimal, volume: decimal.optional() });
const CANDLE_MS = { "1h": 3_600_000, "4h": 14_400_000, "1d": 86_400_000 } as const;
const candlesBody = instrumentQuery.extend({
  interval: z.enum(["1h", "4h", "1d"]),
  candles: z
    .array(candle)
    .min(1)
    .max(1000)
    .refine((list) => list.every((c) => highLowHold(c)), "each candle's high and low must contain its open and close"),
  // Per funding time inside the script's window (linear); signed, e.g. "-0.0001".
  fundingRate: z
    .string()
    .regex(/^-?\d+(\.\d+)?$/)
    .default("0"),
});

function highLowHold(c: z.infer<typeof candle>): boolean {
  const [open, high, low, close] = [c.open, c.high, c.low, c.close].map(Number) as [number, number, number, number];
  return high >= Math.max(open, close, low) && low <= Math.min(open, close);
}

const settleBody = z.object({ venue: venue.optional() });
const fundingBody = z.object({ venue, apiKey: z.string().min(1) });
/** Up to 30 days into the scenario. */
const MAX_SCENARIO_MS = 30 * 86_400_000;
const scenarioBody = z.strictObject({ elapsedMs: z.number().int().min(0).max(MAX_SCENARIO_MS) });

const idTokenBody = z.object({
  email: z.string().min(1),
  aud: z.string().min(1),
  sub: z.string().min(1).optional(),
  expiresInSeconds: z.number().int().optional(),
  issuer: z.string().min(1).optional(),
  emailVerified: z.boolean().optional(),
  issuedAt: z.number().int().optional(),
});

function badRequest(c: Context, message: string) {
  return c.json({ error: "bad_request", message }, 400);
}

/** Validates a JSON body (or the query) with zod; answers 400 with zod's message when it does not fit. */
function valid<T extends z.ZodType>(target: "json" | "query", schema: T) {
  return validator(target, (value, c): z.infer<T> | Response => {
    const parsed = schema.safeParse(value);
    if (!parsed.success) return badRequest(c, z.prettifyError(parsed.error));
    return parsed.data;
  });
}

function findAccount(state: SimState, apiKey: string): { exchange: SimExchange; account: Account } | undefined {
  for (const exchange of Object.values(state.exchanges)) {
    const account = exchange.accountByKey(apiKey);
    if (account) return { exchange, account };
  }
  return undefined;
}

function accountDump(exchange: SimExchange, account: Account) {
  return {
    id: account.id,
    venue: account.venue,
    environment: account.environment,
    apiKey: account.apiKey,
    permissions: account.permissions,
    positionMode: account.positionMode,
    balances: [...account.spot].map(([asset, balance]) => ({ asset, ...balance })),
    futuresWallet: account.futuresWallet,
    futures: exchange.futuresEquity(account),
    leverage: Object.fromEntries(account.leverage),
    marginMode: Object.fromEntries(account.marginMode),
    positions: exchange.positions(account),
    orders: [...account.orders.values()],
    fills: account.fills,
    conditionals: [...account.conditionals.values()],
  };
}

export function controlRoutes(state: SimState): Hono {
  const app = new Hono();

  app.onError((error, c) => {
    if (error instanceof SimError) return c.json({ error: error.code, message: error.message }, 400);
    // Hono's own validation failures, such as a body that is not JSON.
    if (error instanceof HTTPException) return c.json({ error: "bad_request", message: error.message }, error.status);
    throw error;
  });

  app.post("/accounts", valid("json", accountBody), (c) => {
    const { venue: accountVenue, ...input } = c.req.valid("json");
    const account = state.exchanges[accountVenue].createAccount(input);
    return c.json({ id: account.id, venue: account.venue, apiKey: account.apiKey, apiSecret: account.apiSecret }, 201);
  });

  app.get("/accounts/:apiKey", (c) => {
    const found = findAccount(state, c.req.param("apiKey"));
    if (!found) return c.json({ error: "not_found", message: "no account with this API key" }, 404);
    return c.json(accountDump(found.exchange, found.account));
  });

  app.get("/prices", valid("query", instrumentQuery), (c) => {
    const query = c.req.valid("query");
    const exchange = state.exchanges[query.venue];
    return c.json({
      ...query,
      price: exchange.price(query.market, query.symbol),
      book: exchange.bookTop(query.market, query.symbol),
    });
  });

  app.post("/prices", valid("json", priceBody), (c) => {
    const body = c.req.valid("json");
    const exchange = state.exchanges[body.venue];
    exchange.setPrice(body.market, body.symbol, body.price, { hold: body.hold });
    return c.json({
      venue: body.venue,
      market: body.market,
      symbol: body.symbol,
      price: exchange.price(body.market, body.symbol),
    });
  });

  // Exact candles for one symbol at one interval, ending at the last closed candle (engine/candle-scripts.ts).
  app.post("/candles", valid("json", candlesBody), (c) => {
    const body = c.req.valid("json");
    state.exchanges[body.venue].scriptCandles({
      market: body.market,
      symbol: body.symbol,
      intervalMs: CANDLE_MS[body.interval],
      candles: body.candles,
      fundingRate: body.fundingRate,
    });
    return c.json({ venue: body.venue, market: body.market, symbol: body.symbol, candles: body.candles.length }, 201);
  });
  app.delete("/candles", valid("json", instrumentQuery), (c) => {
    const body = c.req.valid("json");
    state.exchanges[body.venue].clearCandleScript(body.market, body.symbol);
    return c.json({ venue: body.venue, market: body.market, symbol: body.symbol, candles: 0 });
  });

  app.get("/faults", (c) => c.json({ faults: state.faults.list() }));
  app.post("/faults", valid("json", faultBody), (c) => {
    const id = state.faults.add(c.req.valid("json"));
    return c.json({ id, faults: state.faults.list() }, 201);
  });
  // `?id=…` (repeatable) removes those faults only; without it, every fault.
  app.delete("/faults", (c) => {
    const ids = c.req.queries("id");
    if (ids?.length) state.faults.remove(ids);
    else state.faults.clear();
    return c.json({ faults: state.faults.list() });
  });

  app.get("/limits", (c) => c.json({ limits: state.limits }));
  app.post("/limits", valid("json", limitsBody), (c) => {
    const { client, ...limits } = c.req.valid("json");
    if (client) {
      if (limits.binanceWeightPerMinute !== undefined)
        state.clientWeightLimits.set(client, limits.binanceWeightPerMinute);
      return c.json({
        limits: state.limits,
        client,
        binanceWeightPerMinute: state.clientWeightLimits.get(client) ?? null,
      });
    }
    Object.assign(state.limits, limits);
    return c.json({ limits: state.limits });
  });

  app.post("/settle", valid("json", settleBody), (c) => {
    const { venue: only } = c.req.valid("json");
    const venues: SimVenue[] = only ? [only] : ["binance", "bybit"];
    for (const name of venues) state.exchanges[name].settle();
    return c.json({ settled: venues });
  });

  // Charges funding on one account's open positions now, as the venue does every 8 hours (tests need not wait).
  app.post("/funding", valid("json", fundingBody), (c) => {
    const body = c.req.valid("json");
    const exchange = state.exchanges[body.venue];
    const account = exchange.accountByKey(body.apiKey);
    if (!account) return c.json({ error: "not_found", message: "no account with this API key" }, 404);
    return c.json({ payments: exchange.chargeFunding(account) });
  });

  // Where the scripted market stands (engine/scenarios.ts); setting elapsedMs jumps there, 0 starts it again now.
  app.get("/scenario", (c) => c.json(scenarioView(state)));
  app.post("/scenario", valid("json", scenarioBody), (c) => {
    if (!state.scenario) return c.json({ error: "no_scenario", message: "the simulator runs no scenario" }, 409);
    state.scenario.elapse(state.now(), c.req.valid("json").elapsedMs);
    return c.json(scenarioView(state));
  });

  app.get("/stats", (c) => c.json(state.requests.view()));
  app.delete("/stats", (c) => {
    state.requests.reset();
    return c.json(state.requests.view());
  });

  app.post("/reset", (c) => {
    resetSimState(state);
    return c.json({ reset: true });
  });

  app.post("/google/id-token", valid("json", idTokenBody), async (c) => {
    return c.json({ idToken: await state.google.signIdToken(c.req.valid("json")) });
  });

  return app;
}

function scenarioView(state: SimState): { name: string | null; elapsedMs: number | null } {
  const { scenario } = state;
  return { name: scenario?.name ?? null, elapsedMs: scenario ? scenario.elapsedMs(state.now()) : null };
}
