import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../../../worker/db/client.ts";
import { portfolios } from "../../../worker/db/schema.ts";
import { MAX_PORTFOLIOS_PER_USER } from "../../../worker/portfolios/store.ts";
import { accountsApp, errorOf, trader } from "../accounts/support.ts";
import { createPortfolio, spotPortfolio } from "./support.ts";

describe("portfolios per account", () => {
  it("keeps at most the cap, even when creates race for the last place; deleted ones do not count", async () => {
    const app = accountsApp();
    const { user, keyId } = await trader(app, "binance");
    const firstId = await createPortfolio(user, spotPortfolio(keyId));
    // Fill up to one below the cap directly in D1 (creating them through the API would only repeat the same route).
    const db = openDatabase(env.DB);
    const first = await db.select().from(portfolios).where(eq(portfolios.id, firstId)).get();
    if (!first) throw new Error("the first portfolio is missing");
    const copies = Array.from({ length: MAX_PORTFOLIOS_PER_USER - 2 }, () => ({ ...first, id: crypto.randomUUID() }));
    for (const copy of copies) await db.insert(portfolios).values(copy);

    const racing = await Promise.all([0, 1, 2].map(() => user.post("/api/portfolios", spotPortfolio(keyId))));
    expect(racing.map((reply) => reply.status).sort()).toEqual([200, 409, 409]);
    const refused = racing.find((reply) => reply.status === 409);
    if (!refused) throw new Error("no create was refused");
    expect(errorOf(refused)).toMatchObject({ code: "limit_reached", details: { limit: 50 } });
    expect(errorOf(refused).message).toContain("50 portfolios");
    expect(await db.$count(portfolios, eq(portfolios.userId, first.userId))).toBe(MAX_PORTFOLIOS_PER_USER);

    // A deleted portfolio frees its place.
    expect((await user.delete(`/api/portfolios/${firstId}`)).status).toBe(200);
    expect((await user.post("/api/portfolios", spotPortfolio(keyId))).status).toBe(200);
    expect((await user.post("/api/portfolios", spotPortfolio(keyId))).status).toBe(409);
  });
});
