import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../../worker/db/client.ts";
import { exchangeKeys } from "../../../worker/db/schema.ts";
import { MAX_EXCHANGE_KEYS_PER_USER } from "../../../worker/keys/exchange-keys.ts";
import { signIn, testApp, userId } from "./support.ts";

const newKey = () => ({
  venue: "binance",
  environment: "testnet",
  label: `key-${crypto.randomUUID().slice(0, 8)}`,
  apiKey: `api-key-${crypto.randomUUID()}`,
  apiSecret: `api-secret-${crypto.randomUUID()}`,
});

describe("exchange keys per account", () => {
  it("keeps at most the cap, even when saves race for the last place, and asks no venue once it is reached", async () => {
    let venueAsked = 0;
    const app = testApp({
      verifyExchangeKey: async () => {
        venueAsked++;
        return { outcome: "verified", permissions: { canTrade: true, canWithdraw: false, spot: true, futures: true } };
      },
    });
    const user = await signIn(app);
    const saved = await user.post("/api/keys/exchange", newKey());
    expect(saved.status, saved.text).toBe(200);
    // Fill up to one below the cap directly in D1 (saving them through the API would only repeat the same route).
    const db = openDatabase(env.DB);
    const first = await db
      .select()
      .from(exchangeKeys)
      .where(eq(exchangeKeys.id, saved.body.id as string))
      .get();
    if (!first) throw new Error("the saved key is missing");
    for (let i = 0; i < MAX_EXCHANGE_KEYS_PER_USER - 2; i++)
      await db.insert(exchangeKeys).values({ ...first, id: crypto.randomUUID(), label: `copy-${i}` });

    const racing = await Promise.all([0, 1, 2].map(() => user.post("/api/keys/exchange", newKey())));
    expect(racing.map((reply) => reply.status).sort()).toEqual([200, 409, 409]);
    const refused = racing.find((reply) => reply.status === 409);
    expect(refused?.body.error).toMatchObject({
      code: "limit_reached",
      details: { limit: MAX_EXCHANGE_KEYS_PER_USER },
    });
    expect(await db.$count(exchangeKeys, eq(exchangeKeys.userId, await userId(user)))).toBe(MAX_EXCHANGE_KEYS_PER_USER);

    venueAsked = 0;
    const over = await user.post("/api/keys/exchange", newKey());
    expect(over.status).toBe(409);
    expect(venueAsked).toBe(0);
  });
});
