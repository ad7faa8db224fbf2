import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { groqProvider } from "../../../worker/ai/groq.ts";
import { clearModelCache, listModels } from "../../../worker/ai/models.ts";
import { openAiProvider } from "../../../worker/ai/openai.ts";
import { decisionProvider } from "../../../worker/ai/providers.ts";
import { modelListVerifier } from "../../../worker/keys/ai-key-verifier.ts";
import { futuresInput, script, simAiKey, simRequests, spotInput } from "./support.ts";

// Real HTTP to the simulator's OpenAI-compatible endpoints; backoff sleeps are recorded instead of waited.
const retry = { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 5_000 };
const options = { model: "gpt-5-mini", reasoningEffort: "low", webSearch: false } as const;

function openAi(apiKey: string, timeoutMs = 5_000) {
  const sleeps: number[] = [];
  const provider = openAiProvider({
    baseUrl: env.SIM_URL,
    apiKey,
    timeoutMs,
    retry,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  });
  return { provider, sleeps };
}

const ethBuy = {
  result: {
    orders: [
      {
        pair: "ETHUSDT",
        side: "buy",
        quantity: "0.1",
        quantityAsset: "ETH",
        limitPrice: "2000",
        referencePrice: "2000",
        maxDriftPct: 1,
      },
    ],
    summary: "Buy a little ETH.",
    strategy: "scripted",
    rationale: "test",
  },
};

describe("OpenAI Responses provider against the simulator", () => {
  it("sends a strict schema, reasoning effort and the rules, and reads the decision and usage", async () => {
    const key = await simAiKey("openai");
    await script(key, [{ decision: ethBuy }]);
    const input = spotInput({ portfolio: { ...spotInput().portfolio, instructions: "Prefer ETH over BTC." } });
    const result = await openAi(key).provider.decide(input, options);
    expect(result).toMatchObject({
      ok: true,
      provider: "openai",
      model: "gpt-5-mini",
      promptVersion: "spot-v2",
      attempts: 1,
      decision: { kind: "spot", orders: [{ pair: "ETHUSDT" }] },
      usage: { reasoningTokens: 128, webSearchCalls: 0, costUsd: expect.stringMatching(/^0\.\d+$/) },
    });
    const [request] = await simRequests(key);
    expect(request?.body).toMatchObject({
      model: "gpt-5-mini",
      reasoning: { effort: "low" },
      store: false,
      text: { format: { type: "json_schema", name: "spot_decision", strict: true } },
    });
    expect(request?.body.tools).toBeUndefined();
    const instructions = String(request?.body.instructions);
    expect(instructions.indexOf("Rules")).toBeLessThan(instructions.indexOf("Prefer ETH over BTC."));
    expect(JSON.stringify(request?.body.input)).not.toContain("Prefer ETH");
  });

  it("turns web search on only when asked", async () => {
    const key = await simAiKey("openai");
    const result = await openAi(key).provider.decide(spotInput(), { ...options, webSearch: true });
    expect(result).toMatchObject({ ok: true, usage: { webSearchCalls: 1 } });
    expect((await simRequests(key))[0]?.body.tools).toEqual([{ type: "web_search" }]);
  });

  it("answers a valid hold when nothing is scripted", async () => {
    const key = await simAiKey("openai");
    const result = await openAi(key).provider.decide(futuresInput(), options);
    expect(result).toMatchObject({ ok: true, promptVersion: "futures-v2", decision: { kind: "futures", actions: [] } });
  });

  it("retries 429 (honouring Retry-After) and 5xx, then succeeds", async () => {
    const key = await simAiKey("openai");
    await script(key, [{ fault: { status: 429, retryAfter: 2 } }, { fault: { status: 503 } }, { decision: ethBuy }]);
    const { provider, sleeps } = openAi(key);
    const result = await provider.decide(spotInput(), options);
    expect(result).toMatchObject({ ok: true, attempts: 3 });
    expect(sleeps[0]).toBe(2_000);
    expect(sleeps[1]).toBeGreaterThanOrEqual(20);
  });

  it("gives up after the last attempt on repeated 500s", async () => {
    const key = await simAiKey("openai");
    await script(key, [{ fault: { status: 500 } }, { fault: { status: 500 } }, { fault: { status: 500 } }]);
    const result = await openAi(key).provider.decide(spotInput(), options);
    expect(result).toMatchObject({ ok: false, attempts: 3, failure: { code: "provider_error", httpStatus: 500 } });
  });

  it("does not retry a 400 or a refused key, and never echoes the key", async () => {
    const key = await simAiKey("openai");
    await script(key, [{ fault: { status: 400, message: "Unsupported parameter: 'reasoning.effort'." } }]);
    const { provider, sleeps } = openAi(key);
    const bad = await provider.decide(spotInput(), options);
    expect(bad).toMatchObject({
      ok: false,
      attempts: 1,
      failure: { code: "bad_request", message: expect.stringContaining("reasoning.effort") },
    });
    expect(sleeps).toEqual([]);
    const refused = await openAi("sk-not-a-simulator-key-123456").provider.decide(spotInput(), options);
    expect(refused).toMatchObject({ ok: false, attempts: 1, failure: { code: "unauthorized", httpStatus: 401 } });
    expect(JSON.stringify(refused)).not.toContain("sk-not-a-simulator-key-123456");
  });

  it("fails with a timeout instead of holding silently", async () => {
    const key = await simAiKey("openai");
    await script(key, [{ delayMs: 1_500 }]);
    const result = await openAi(key, 300).provider.decide(spotInput(), options);
    expect(result).toMatchObject({ ok: false, attempts: 1, failure: { code: "timeout" } });
  });

  it("does not follow a redirect: it is a failure, and nothing is asked again", async () => {
    const key = await simAiKey("openai");
    // 307 keeps method and body: a client that followed it would post the decision request again and get ethBuy.
    await script(key, [{ redirect: { status: 307 } }, { decision: ethBuy }]);
    const { provider, sleeps } = openAi(key);
    expect(await provider.decide(spotInput(), options)).toMatchObject({
      ok: false,
      attempts: 1,
      failure: {
        code: "provider_error",
        httpStatus: 307,
        message: `OpenAI answered with a redirect (HTTP 307 to ${env.SIM_URL}/v1/responses), which is not followed; check the base URL.`,
      },
    });
    expect(sleeps).toEqual([]);
    expect(await simRequests(key)).toHaveLength(1);
  });

  it("records output that is not the schema, and the model's own error, as failures", async () => {
    const key = await simAiKey("openai");
    await script(key, [
      { text: "I think you should buy." },
      { decision: { result: { error: "prices missing" } } },
      { incomplete: true },
    ]);
    const { provider } = openAi(key);
    expect(await provider.decide(spotInput(), options)).toMatchObject({
      ok: false,
      failure: { code: "invalid_output" },
    });
    expect(await provider.decide(spotInput(), options)).toMatchObject({
      ok: false,
      failure: { code: "model_error", message: "prices missing" },
    });
    expect(await provider.decide(spotInput(), options)).toMatchObject({
      ok: false,
      failure: { code: "incomplete" },
      usage: { outputTokens: expect.any(Number) },
    });
  });
});

describe("Groq provider against the simulator", () => {
  it("uses chat completions with the same schema, strict on GPT-OSS, without web search", async () => {
    const key = await simAiKey("groq");
    await script(key, [{ fault: { status: 429 } }, { decision: ethBuy }]);
    const provider = groqProvider({ baseUrl: `${env.SIM_URL}/openai`, apiKey: key, retry, sleep: async () => {} });
    const result = await provider.decide(spotInput(), {
      model: "openai/gpt-oss-120b",
      reasoningEffort: "medium",
      webSearch: true,
    });
    expect(result).toMatchObject({
      ok: true,
      provider: "groq",
      attempts: 2,
      decision: { orders: [{ pair: "ETHUSDT" }] },
    });
    const [request] = await simRequests(key);
    expect(request?.path).toBe("/openai/v1/chat/completions");
    expect(request?.body).toMatchObject({
      reasoning_effort: "medium",
      response_format: { type: "json_schema", json_schema: { name: "spot_decision", strict: true } },
      messages: [{ role: "system" }, { role: "user" }],
    });
    expect(request?.body.tools).toBeUndefined();
    const llama = await provider.decide(futuresInput(), {
      model: "llama-3.3-70b-versatile",
      reasoningEffort: "low",
      webSearch: false,
    });
    expect(llama).toMatchObject({ ok: true, decision: { kind: "futures" } });
    const second = (await simRequests(key)).at(-1)?.body as {
      response_format: { json_schema: { strict: boolean } };
      reasoning_effort?: string;
    };
    expect(second.response_format.json_schema.strict).toBe(false);
    expect(second.reasoning_effort).toBeUndefined();
  });

  it("is chosen by the factory when a key is present; the built-in strategy otherwise", () => {
    const settings = { baseUrls: { openai: env.SIM_URL, groq: `${env.SIM_URL}/openai` }, timeoutMs: 1_000, retry };
    expect(decisionProvider(settings, null).name).toBe("builtin");
    expect(decisionProvider(settings, { provider: "groq", apiKey: "k" }).name).toBe("groq");
    expect(decisionProvider(settings, { provider: "openai", apiKey: "k" }).name).toBe("openai");
  });
});

describe("model lists", () => {
  it("never follows a redirect when listing models or verifying a key", async () => {
    clearModelCache();
    const key = await simAiKey("openai");
    // What the network does: a redirect is followed unless the request says "manual" (then the 3xx comes back).
    const redirecting: typeof fetch = async (input, init) => {
      if (init?.redirect !== "manual") return fetch(input, init);
      return new Response(null, { status: 302, headers: { location: "https://elsewhere.example/v1/models" } });
    };
    expect(await listModels("openai", { baseUrl: env.SIM_URL, apiKey: key, fetcher: redirecting })).toEqual({
      ok: false,
      failure: {
        code: "provider_error",
        httpStatus: 302,
        message:
          "OpenAI answered with a redirect (HTTP 302 to https://elsewhere.example/v1/models), which is not followed; check the base URL.",
      },
    });
    const verify = modelListVerifier({ openai: env.SIM_URL, groq: `${env.SIM_URL}/openai` }, redirecting);
    expect(await verify("openai", key)).toEqual({
      outcome: "unavailable",
      reason:
        "openai answered with a redirect (HTTP 302 to https://elsewhere.example/v1/models), which is not followed; check the base URL.",
    });
    // The same key through a fetch that leaves the request as it is: verified, so the refusal above was the redirect.
    expect(await modelListVerifier({ openai: env.SIM_URL, groq: env.SIM_URL })("openai", key)).toEqual({
      outcome: "verified",
    });
  });

  it("lists decision-capable models and caches them per key", async () => {
    clearModelCache();
    const key = await simAiKey("openai");
    let calls = 0;
    const fetcher: typeof fetch = (input, init) => {
      calls++;
      return fetch(input, init);
    };
    const first = await listModels("openai", { baseUrl: env.SIM_URL, apiKey: key, fetcher });
    expect(first).toMatchObject({ ok: true, cached: false });
    expect(first.ok && first.models.map((m) => m.id)).toEqual(["gpt-4.1-mini", "gpt-5", "gpt-5-mini", "gpt-5-nano"]);
    expect(await listModels("openai", { baseUrl: env.SIM_URL, apiKey: key, fetcher })).toMatchObject({
      ok: true,
      cached: true,
    });
    expect(calls).toBe(1);
    const later = await listModels("openai", {
      baseUrl: env.SIM_URL,
      apiKey: key,
      fetcher,
      now: () => Date.now() + 11 * 60_000,
    });
    expect(later).toMatchObject({ ok: true, cached: false });
    expect(calls).toBe(2);

    const groqKey = await simAiKey("groq");
    const groq = await listModels("groq", { baseUrl: `${env.SIM_URL}/openai`, apiKey: groqKey });
    expect(groq.ok && groq.models.map((m) => [m.id, m.strictOutput])).toEqual([
      ["llama-3.3-70b-versatile", false],
      ["openai/gpt-oss-120b", true],
      ["openai/gpt-oss-20b", true],
    ]);
    expect(await listModels("groq", { baseUrl: `${env.SIM_URL}/openai`, apiKey: "gsk_wrong_key_123" })).toMatchObject({
      ok: false,
      failure: { code: "unauthorized" },
    });
  });
});
