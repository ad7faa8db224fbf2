import { describe, expect, it } from "vitest";
import { aiBaseUrlProblem } from "../../../worker/keys/ai-base-url.ts";
import { errorOf, holdPrice, simUrlAsLocalhost } from "../accounts/support.ts";
import { newPortfolio, OPENAI, scriptedTrader, spotPlan } from "../engine/support.ts";
import { signIn, testApp } from "../identity/support.ts";
import { spotPortfolio, startSettled } from "../portfolios/support.ts";
import { simAiKey, simRequests } from "./support.ts";

/**
 * An AI key may carry its own base URL (an OpenAI-compatible gateway or server): it is verified, lists models and
 * decides there. The URL passes the host policy exchange custom URLs follow: https on the default port, no local or
 * private host, except the operator's EXCHANGE_EXTRA_HOSTS, which here list the simulator under two loopback names.
 * The default OpenAI base URL in tests is the simulator at 127.0.0.1; the custom one is the same simulator reached as
 * `localhost`, and the simulator records the Host each request came to.
 */

const customBase = () => simUrlAsLocalhost();
const customHost = () => new URL(customBase()).host;

describe("AI keys with a base URL", () => {
  it("verifies the key at its base URL, shows the URL (never the key) and lists models there", async () => {
    const user = await signIn(testApp());
    const apiKey = await simAiKey("openai");
    const saved = await user.put("/api/keys/ai/openai", { apiKey, baseUrl: `${customBase()}/` });
    expect(saved.status, saved.text).toBe(200);
    expect(saved.body).toMatchObject({ provider: "openai", baseUrl: customBase(), status: "verified" });
    expect(saved.text).not.toContain(apiKey);
    expect((await user.get("/api/keys/ai")).body.keys).toEqual([expect.objectContaining({ baseUrl: customBase() })]);
    const models = await user.get("/api/ai/models?provider=openai");
    expect(models.status, models.text).toBe(200);
    expect(models.body.models).toContainEqual(
      expect.objectContaining({
        id: "gpt-5-mini",
        webSearch: true,
        reasoningEfforts: ["minimal", "low", "medium", "high"],
      }),
    );

    // A key the endpoint refuses is refused, as with the provider's own URL.
    const rejected = await user.put("/api/keys/ai/openai", { apiKey: "sk-not-a-key-0000", baseUrl: customBase() });
    expect(rejected.status).toBe(400);
    expect(errorOf(rejected).code).toBe("key_rejected");
  });

  it("refuses http, other ports, loopback and private hosts at the route, naming the field", async () => {
    const user = await signIn(testApp());
    const apiKey = await simAiKey("openai");
    // Sensitive routes are rate limited: a few here, the whole policy below.
    for (const baseUrl of [
      "http://llm.example.com",
      "https://llm.example.com:8443",
      "https://127.0.0.1",
      "https://10.1.2.3",
    ]) {
      const reply = await user.put("/api/keys/ai/openai", { apiKey, baseUrl });
      expect(reply.status, baseUrl).toBe(400);
      expect(errorOf(reply).code, baseUrl).toBe("validation_failed");
      expect((errorOf(reply).details?.issues as { path: string }[] | undefined)?.[0]?.path, baseUrl).toBe(
        "json.baseUrl",
      );
    }
    expect((await user.get("/api/keys/ai")).body.keys).toEqual([]);
  });

  it("the host policy: public https hosts on the default port, or the operator's listed hosts as listed", () => {
    const extra = ["sim.test:8790"];
    for (const baseUrl of [
      "http://llm.example.com",
      "https://llm.example.com:8443",
      "https://127.0.0.1",
      "https://localhost",
      "https://api.localhost",
      "https://[::1]",
      "https://[::ffff:10.0.0.1]",
      "https://[fd00::1]",
      "https://[fe80::1]",
      "https://10.1.2.3",
      "https://192.168.0.10",
      "https://172.20.0.1",
      "https://169.254.169.254",
      "https://100.64.0.1",
      "https://0.0.0.0",
      "https://2130706433",
      "https://llm.internal",
      "https://printer.local",
      "https://intranet",
      "https://user:pass@llm.example.com",
      "https://llm.example.com/v1?x=1",
      "https://llm.example.com/#top",
      "ftp://llm.example.com",
      "http://sim.test:8791",
      "not a url",
    ])
      expect(aiBaseUrlProblem(baseUrl, extra), baseUrl).toHaveProperty("problem");
    expect(aiBaseUrlProblem("https://llm.example.com/v1/", extra)).toEqual({ url: "https://llm.example.com/v1" });
    expect(aiBaseUrlProblem("https://8.8.8.8", extra)).toEqual({ url: "https://8.8.8.8" });
    expect(aiBaseUrlProblem("http://sim.test:8790/openai", extra)).toEqual({ url: "http://sim.test:8790/openai" });
  });

  it("sends the portfolio's decisions to the key's base URL", async () => {
    await holdPrice("binance", "spot", "ETHUSDT", "2500");
    const t = await scriptedTrader("binance", { spot: { USDT: "10000" }, futuresWallet: "0" });
    const saved = await t.user.put("/api/keys/ai/openai", { apiKey: t.aiKey, baseUrl: customBase() });
    expect(saved.status, saved.text).toBe(200);
    await t.decide(spotPlan([]));
    const id = await newPortfolio(
      t.user,
      spotPortfolio(t.keyId, { tokens: [{ token: "ETH", minAllocation: 0 }], decisionSource: OPENAI }),
    );
    const { run } = await startSettled(t.user, id);
    expect(run).toMatchObject({ status: "completed", provider: "openai", fallback: null });
    const decisions = (await simRequests(t.aiKey)).filter((r) => r.path === "/v1/responses") as { host?: string }[];
    expect(decisions.map((r) => r.host)).toEqual([customHost()]);
  });
});
