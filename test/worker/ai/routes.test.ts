import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { Caller, signIn, testApp } from "../identity/support.ts";
import { simAiKey } from "./support.ts";

describe("AI routes", () => {
  it("serves the versioned system instructions to signed-in callers", async () => {
    const app = testApp();
    expect((await new Caller(app).get("/api/ai/instructions")).status).toBe(401);
    const reply = await (await signIn(app)).get("/api/ai/instructions");
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      spot: { version: "spot-v2", text: expect.stringContaining("Rules") },
      futures: { version: "futures-v2", text: expect.stringContaining("stopLoss") },
    });
  });

  it("lists models with the user's stored key through the provider's models endpoint", async () => {
    const app = testApp({}, { OPENAI_BASE_URL: env.SIM_URL, GROQ_BASE_URL: `${env.SIM_URL}/openai` });
    const user = await signIn(app);
    expect((await user.get("/api/ai/models?provider=groq")).body).toMatchObject({ error: { code: "ai_key_missing" } });
    const key = await simAiKey("groq");
    expect((await user.put("/api/keys/ai/groq", { apiKey: key })).status).toBe(200);
    const reply = await user.get("/api/ai/models?provider=groq");
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      provider: "groq",
      cached: false,
      models: expect.arrayContaining([expect.objectContaining({ id: "openai/gpt-oss-20b", strictOutput: true })]),
    });
    expect(reply.text).not.toContain(key);
    expect((await user.get("/api/ai/models?provider=groq")).body).toMatchObject({ cached: true });
    expect((await new Caller(app).get("/api/ai/models?provider=groq")).status).toBe(401);
    expect((await user.get("/api/ai/models?provider=mistral")).status).toBe(400);
  });
});
