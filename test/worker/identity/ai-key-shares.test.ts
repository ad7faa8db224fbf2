import { describe, expect, it } from "vitest";
import { accountsApp, connectKey, errorOf, holdPrice, simAccount, trader } from "../accounts/support.ts";
import { script, simAiKey, simRequests } from "../ai/support.ts";
import { newPortfolio, OPENAI, runNow, spotPlan } from "../engine/support.ts";
import { spotPortfolio, startSettled } from "../portfolios/support.ts";
import { signIn, uniqueEmail } from "./support.ts";

/**
 * An administrator shares an AI key with a user and a monthly budget: the user's portfolio decides with it without
 * ever seeing it, a review that finds the budget spent falls back to the built-in strategy with a note, and revoking
 * stops its use at the next review. Only administrators share; nobody else can use or list another user's key.
 */

async function setting() {
  const app = accountsApp();
  const admin = await signIn(app, "admin@ballast.test");
  const adminKey = await simAiKey("openai");
  expect((await admin.put("/api/keys/ai/openai", { apiKey: adminKey })).status).toBe(200);
  const email = uniqueEmail("borrower");
  const user = await signIn(app, email);
  const keyId = await connectKey(
    user,
    "binance",
    await simAccount("binance", { spot: { USDT: "10000" }, futuresWallet: "0" }),
  );
  return { app, admin, adminKey, email, user, keyId };
}

const responsesOf = async (aiKey: string) => (await simRequests(aiKey)).filter((r) => r.path === "/v1/responses");

describe("AI keys shared by an administrator", () => {
  it("only administrators share, list and revoke; the user sees the budget, never the key", async () => {
    const { app, admin, adminKey, email, user } = await setting();
    const body = { provider: "openai", email, monthlyBudgetUsd: "5" };
    expect((await user.post("/api/admin/ai-shares", body)).status).toBe(403);
    expect((await user.get("/api/admin/ai-shares")).status).toBe(403);

    const shared = await admin.post("/api/admin/ai-shares", body);
    expect(shared.status, shared.text).toBe(200);
    expect(shared.body).toMatchObject({
      provider: "openai",
      email,
      monthlyBudgetUsd: "5",
      spentUsd: "0",
      remainingUsd: "5",
    });
    expect((await user.delete(`/api/admin/ai-shares/${shared.body.id}`)).status).toBe(403);

    const mine = await user.get("/api/keys/ai/shared");
    expect(mine.body.keys).toEqual([
      { id: shared.body.id, provider: "openai", monthlyBudgetUsd: "5", spentUsd: "0", remainingUsd: "5" },
    ]);
    expect(mine.text).not.toContain(adminKey);
    expect(mine.text).not.toContain(adminKey.slice(-4));
    // The user's own key list stays theirs.
    expect((await user.get("/api/keys/ai")).body.keys).toEqual([]);

    // Bad input is refused by field; sharing with nobody or without a key is a 400.
    for (const bad of [
      { ...body, monthlyBudgetUsd: "0" },
      { ...body, monthlyBudgetUsd: "1.234" },
      { ...body, email: "not-an-email" },
      { ...body, provider: "mistral" },
      { ...body, email: uniqueEmail("nobody") },
      { ...body, provider: "groq" },
      { ...body, email: "admin@ballast.test" },
    ]) {
      const reply = await admin.post("/api/admin/ai-shares", bad);
      expect(reply.status, JSON.stringify(bad)).toBe(400);
      expect(errorOf(reply).code).toBe("validation_failed");
    }

    // Sharing again sets a new budget on the same share.
    const raised = await admin.post("/api/admin/ai-shares", { ...body, monthlyBudgetUsd: "7.50" });
    expect(raised.body).toMatchObject({ id: shared.body.id, monthlyBudgetUsd: "7.50" });
    expect((await admin.get("/api/admin/ai-shares")).body.shares).toEqual([
      expect.objectContaining({ id: shared.body.id, email, monthlyBudgetUsd: "7.50" }),
    ]);

    // Another user can neither list models with the share nor put it on a portfolio.
    const stranger = await trader(app, "binance");
    const models = await stranger.user.get(`/api/ai/models?provider=openai&sharedKeyId=${shared.body.id}`);
    expect(models.status).toBe(400);
    expect(errorOf(models).code).toBe("ai_key_missing");
    const taken = await stranger.user.post(
      "/api/portfolios",
      spotPortfolio(stranger.keyId, { decisionSource: { ...OPENAI, sharedKeyId: shared.body.id } }),
    );
    expect(taken.status).toBe(400);
    expect((errorOf(taken).details?.issues as { path: string }[] | undefined)?.[0]?.path).toBe(
      "decisionSource.sharedKeyId",
    );
    // The borrower can, with the provider the key is for.
    const listed = await user.get(`/api/ai/models?provider=openai&sharedKeyId=${shared.body.id}`);
    expect(listed.status, listed.text).toBe(200);
    expect(listed.text).not.toContain(adminKey);

    const revoked = await admin.delete(`/api/admin/ai-shares/${shared.body.id}`);
    expect(revoked.body).toEqual({ deleted: true });
    expect((await admin.delete(`/api/admin/ai-shares/${shared.body.id}`)).status).toBe(404);
    expect((await user.get("/api/keys/ai/shared")).body.keys).toEqual([]);
  });

  it("decides with the shared key until the month's budget is spent, then falls back; revoking stops it", async () => {
    await holdPrice("binance", "spot", "ETHUSDT", "2500");
    const { admin, adminKey, email, user, keyId } = await setting();
    // One web search call costs 0.01 USD (pricing.ts): the first decision spends the whole 0.01 budget.
    const shared = await admin.post("/api/admin/ai-shares", { provider: "openai", email, monthlyBudgetUsd: "0.01" });
    const shareId = shared.body.id as string;
    const groq = await user.post(
      "/api/portfolios",
      spotPortfolio(keyId, { decisionSource: { provider: "groq", model: "openai/gpt-oss-20b", sharedKeyId: shareId } }),
    );
    expect(groq.status).toBe(400);
    const id = await newPortfolio(
      user,
      spotPortfolio(keyId, {
        tokens: [{ token: "ETH", minAllocation: 0 }],
        decisionSource: { ...OPENAI, webSearch: true, sharedKeyId: shareId },
      }),
    );
    await script(adminKey, [{ decision: { result: spotPlan([]) } }, { decision: { result: spotPlan([]) } }]);

    const { run: first } = await startSettled(user, id);
    expect(first).toMatchObject({ status: "completed", provider: "openai", fallback: null });
    expect(await responsesOf(adminKey)).toHaveLength(1);
    const spent = (await user.get("/api/keys/ai/shared")).body.keys as { spentUsd: string; remainingUsd: string }[];
    expect(Number(spent[0]?.spentUsd)).toBeGreaterThanOrEqual(0.01);
    expect(spent[0]?.remainingUsd).toBe("0");
    expect((await admin.get("/api/admin/ai-shares")).body.shares).toEqual([
      expect.objectContaining({ id: shareId, spentUsd: spent[0]?.spentUsd, remainingUsd: "0" }),
    ]);

    const second = await runNow(user, id);
    expect(second).toMatchObject({
      status: "completed",
      provider: "builtin",
      fallback: { provider: "openai", code: "share_budget" },
    });
    expect((second.fallback as { message: string }).message).toMatch(
      /reached its budget of 0\.01 USD; OpenAI was not asked/,
    );
    expect(await responsesOf(adminKey)).toHaveLength(1);

    // A new budget lets it decide again; revoking stops that at the next review.
    await admin.post("/api/admin/ai-shares", { provider: "openai", email, monthlyBudgetUsd: "10" });
    expect(await runNow(user, id)).toMatchObject({ status: "completed", provider: "openai", fallback: null });
    expect(await responsesOf(adminKey)).toHaveLength(2);
    await admin.delete(`/api/admin/ai-shares/${shareId}`);
    const afterRevoke = await runNow(user, id);
    expect(afterRevoke).toMatchObject({
      status: "completed",
      provider: "builtin",
      fallback: { code: "share_revoked" },
    });
    expect(await responsesOf(adminKey)).toHaveLength(2);
    expect((await user.get(`/api/portfolios/${id}`)).body).toMatchObject({ status: "active", failedRunsInARow: 0 });
  });
});
