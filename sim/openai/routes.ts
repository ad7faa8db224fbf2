import { type Context, Hono } from "hono";
import * as z from "zod";
import type { SimState } from "../state.ts";
import { type AiProviderName, AiScript, KeyBody, ScriptBody, type ScriptStep } from "./script.ts";
import {
  type ChatRequest,
  chatCompletion,
  errorBody,
  GROQ_MODELS,
  holdDecision,
  modelList,
  OPENAI_MODELS,
  type ResponsesRequest,
  responseObject,
  strictViolation,
  unsupportedChatOption,
  unsupportedOption,
} from "./shapes.ts";

/**
 * OpenAI-compatible AI endpoints: OpenAI's Responses API at /v1/responses and /v1/models, Groq's chat completions at
 * /openai/v1/chat/completions and /openai/v1/models (so the Groq base URL is `<sim>/openai`). Bearer keys must have
 * been created with POST /control/ai/keys; answers come from the scripted queue (POST /control/ai/script) or, when
 * nothing is scripted, a valid hold decision for the schema asked for.
 */

const scripts = new WeakMap<SimState, AiScript>();

export function aiScriptOf(state: SimState): AiScript {
  let script = scripts.get(state);
  if (!script) {
    script = new AiScript();
    scripts.set(state, script);
  }
  return script;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function openAiRoutes(state: SimState): Hono {
  const script = aiScriptOf(state);
  const app = new Hono();

  app.post("/control/ai/keys", async (c) => {
    const parsed = KeyBody.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) return c.json({ error: "bad_request", message: z.prettifyError(parsed.error) }, 400);
    const apiKey = script.addKey(parsed.data.provider, parsed.data.apiKey);
    return c.json({ provider: parsed.data.provider, apiKey }, 201);
  });
  app.post("/control/ai/script", async (c) => {
    const parsed = ScriptBody.safeParse(await c.req.json().catch(() => null));
    if (!parsed.success) return c.json({ error: "bad_request", message: z.prettifyError(parsed.error) }, 400);
    return c.json({ queued: script.enqueue(parsed.data.apiKey, parsed.data.steps) }, 201);
  });
  app.delete("/control/ai/script", (c) => {
    script.clear(c.req.query("apiKey"));
    return c.json({ cleared: true });
  });
  app.get("/control/ai/requests", (c) => {
    const apiKey = c.req.query("apiKey");
    return c.json({ requests: script.requests.filter((r) => !apiKey || r.apiKey === apiKey) });
  });

  app.get("/v1/models", (c) => withKey(c, script, "openai", () => c.json(modelList(OPENAI_MODELS, "openai"))));
  app.get("/openai/v1/models", (c) => withKey(c, script, "groq", () => c.json(modelList(GROQ_MODELS, "Groq"))));

  app.post("/v1/responses", (c) =>
    withKey(c, script, "openai", async (apiKey) => {
      const request = (await c.req.json().catch(() => null)) as ResponsesRequest | null;
      const format = request?.text?.format;
      if (!request?.model || request.input === undefined)
        return c.json(errorBody(400, "Missing required parameter: 'model' or 'input'."), 400);
      if (format?.type === "json_schema" && format.strict) {
        const violation = strictViolation(format.schema);
        if (violation)
          return c.json(errorBody(400, `Invalid schema for response_format '${format.name}': ${violation}`), 400);
      }
      const refused = unsupportedOption(request);
      if (refused) return c.json(errorBody(400, refused), 400);
      script.record({ provider: "openai", path: "/v1/responses", host: hostOf(c), apiKey, body: request });
      return answer(c, script.next(apiKey), format?.name, (text, status) => responseObject(request, text, status));
    }),
  );

  app.post("/openai/v1/chat/completions", (c) =>
    withKey(c, script, "groq", async (apiKey) => {
      const request = (await c.req.json().catch(() => null)) as ChatRequest | null;
      const format = request?.response_format?.json_schema;
      if (!request?.model || !Array.isArray(request.messages))
        return c.json(errorBody(400, "'messages' and 'model' are required"), 400);
      if (format?.strict) {
        const violation = strictViolation(format.schema);
        if (violation) return c.json(errorBody(400, `invalid JSON schema for response_format: ${violation}`), 400);
      }
      const refused = unsupportedChatOption(request);
      if (refused) return c.json(errorBody(400, refused), 400);
      script.record({
        provider: "groq",
        path: "/openai/v1/chat/completions",
        host: hostOf(c),
        apiKey,
        body: request,
      });
      return answer(c, script.next(apiKey), format?.name, (text) => chatCompletion(request, text));
    }),
  );

  return app;
}

const hostOf = (c: Context) => c.req.header("host") ?? "";

async function withKey(
  c: Context,
  script: AiScript,
  provider: AiProviderName,
  handle: (apiKey: string) => Response | Promise<Response>,
): Promise<Response> {
  const apiKey = /^Bearer (.+)$/.exec(c.req.header("authorization") ?? "")?.[1] ?? "";
  if (script.keys.get(apiKey) !== provider) {
    const masked = apiKey.length > 8 ? `${apiKey.slice(0, 3)}****${apiKey.slice(-4)}` : "****";
    return c.json(errorBody(401, `Incorrect API key provided: ${masked}.`), 401);
  }
  return handle(apiKey);
}

async function answer(
  c: Context,
  step: ScriptStep | undefined,
  schemaName: string | undefined,
  shape: (text: string, status: "completed" | "incomplete") => unknown,
): Promise<Response> {
  if (step && "fault" in step) {
    const headers: Record<string, string> = {};
    if (step.fault.retryAfter !== undefined) headers["retry-after"] = String(step.fault.retryAfter);
    return c.json(errorBody(step.fault.status, step.fault.message), step.fault.status as 400, headers);
  }
  if (step && "redirect" in step) return c.body(null, step.redirect.status, { Location: c.req.url });
  if (step && "delayMs" in step && step.delayMs) await sleep(step.delayMs);
  if (step && "incomplete" in step) return c.json(shape("", "incomplete") as object);
  const text =
    step && "text" in step
      ? step.text
      : JSON.stringify(step && "decision" in step ? step.decision : holdDecision(schemaName));
  return c.json(shape(text, "completed") as object);
}
