import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { simAiKey } from "../ai/support.ts";
import { spotPortfolio } from "../portfolios/support.ts";
import { accountsApp, errorOf, trader } from "./support.ts";

/**
 * A stored key whose sealed value no longer decrypts (damaged in D1 here; in production also a record sealed under a
 * master configured wrongly): every route that needs it answers 424 with a stable code, never a 500.
 */

/** Flips a character of the record's ciphertext in D1, so it fails authentication from now on. */
async function damage(table: "exchange_keys" | "ai_keys", id: string): Promise<string> {
  const row = await env.DB.prepare(`SELECT sealed FROM ${table} WHERE id = ?`).bind(id).first<{ sealed: string }>();
  const [iv = "", ciphertext = ""] = (row?.sealed ?? "").split(".");
  const flipped = `${iv}.${ciphertext[0] === "A" ? "B" : "A"}${ciphertext.slice(1)}`;
  await env.DB.prepare(`UPDATE ${table} SET sealed = ? WHERE id = ?`).bind(flipped, id).run();
  return ciphertext;
}

describe("a stored key that cannot be decrypted", () => {
  it("answers 424 key_unreadable wherever the exchange key is needed, telling the owner to enter it again", async () => {
    const app = accountsApp();
    const { user, keyId, account } = await trader(app, "binance");
    const ciphertext = await damage("exchange_keys", keyId);
    const replies = [
      await user.get(`/api/keys/${keyId}/balances?market=spot`),
      await user.get(`/api/keys/${keyId}/positions`),
      await user.get(`/api/keys/${keyId}/orders?market=spot`),
      await user.post("/api/portfolios", spotPortfolio(keyId)),
    ];
    for (const reply of replies) {
      expect(reply.status, reply.text).toBe(424);
      expect(errorOf(reply)).toMatchObject({
        code: "key_unreadable",
        message: expect.stringMatching(/^The exchange key ".+" cannot be decrypted on this server .*Enter it again/),
      });
      for (const secret of [account.apiKey, account.apiSecret, ciphertext.slice(0, 16)])
        expect(reply.text).not.toContain(secret);
    }
    // The key itself is still listed (masked), so the owner can replace or delete it.
    expect((await user.get("/api/keys/exchange")).status).toBe(200);
  });

  it("answers 424 ai_key_unreadable where the AI key is needed", async () => {
    const app = accountsApp();
    const { user } = await trader(app, "binance");
    const apiKey = await simAiKey("openai");
    expect((await user.put("/api/keys/ai/openai", { apiKey })).status).toBe(200);
    const me = await user.get("/api/auth/me");
    const row = await env.DB.prepare("SELECT id FROM ai_keys WHERE user_id = ? AND provider = 'openai'")
      .bind((me.body.user as { id: string }).id)
      .first<{ id: string }>();
    await damage("ai_keys", row?.id ?? "");
    const models = await user.get("/api/ai/models?provider=openai");
    expect(models.status, models.text).toBe(424);
    expect(errorOf(models)).toMatchObject({
      code: "ai_key_unreadable",
      message: expect.stringContaining("Your OpenAI key cannot be decrypted on this server"),
    });
    expect(models.text).not.toContain(apiKey);
  });
});
