import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { ErrorBody } from "../../shared/api/error.ts";
import { AiProvider } from "../../shared/api/keys.ts";
import * as z from "../../shared/api/zod.ts";
import { AiModel, listModels } from "../ai/models.ts";
import { SYSTEM_INSTRUCTIONS } from "../ai/prompt.ts";
import { requireScope } from "../auth/guards.ts";
import { sessionOrToken } from "../auth/openapi-security.ts";
import { openDatabase } from "../db/client.ts";
import { ApiError } from "../http/api-error.ts";
import type { AppEnv } from "../http/context.ts";
import { validationHook } from "../http/validation.ts";
import { openSharedKey } from "../keys/ai-key-shares.ts";
import { openAiKey } from "../keys/ai-keys.ts";
import { requireKeyring } from "../keys/sealed-secret.ts";
import { rateLimit } from "../ratelimit/rate-limit.ts";
import { jsonContent } from "./json-content.ts";
import { errorResponses } from "./openapi-responses.ts";

const VersionedText = z.object({ version: z.string(), text: z.string() });

const Instructions = z
  .object({
    spot: VersionedText,
    futures: VersionedText,
    note: z.string(),
  })
  .openapi("AiInstructions");

const ModelList = z
  .object({ provider: AiProvider, models: z.array(AiModel), cached: z.boolean() })
  .openapi("AiModelList");

const instructions = createRoute({
  method: "get",
  path: "/ai/instructions",
  tags: ["AI"],
  summary: "The system rules every AI decision is made under, per market, with their version ids",
  description: "A portfolio's own instructions are appended after these rules and never replace them.",
  security: sessionOrToken("read"),
  middleware: [rateLimit("read")] as const,
  responses: {
    200: { description: "Spot and futures rules", content: jsonContent(Instructions) },
    ...errorResponses(401, 403, 429),
  },
});

const models = createRoute({
  method: "get",
  path: "/ai/models",
  tags: ["AI"],
  summary: "Models your stored key can use for decisions (cached for ten minutes)",
  description:
    "400 `ai_key_missing` when you have no key for the provider (or no such shared key); 424 `ai_key_unreadable` when the stored key cannot " +
    "be decrypted (enter it again); 502 `ai_unavailable` when the provider cannot list models (a rejected key " +
    "answers `ai_key_rejected`).",
  security: sessionOrToken("read"),
  middleware: [rateLimit("read")] as const,
  request: {
    query: z.object({
      provider: AiProvider,
      sharedKeyId: z
        .string()
        .min(1)
        .max(64)
        .optional()
        .openapi({ description: "List with a key an administrator shared with you instead of your own" }),
    }),
  },
  responses: {
    200: { description: "Models", content: jsonContent(ModelList) },
    ...errorResponses(400, 401, 403, 429),
    424: { description: "The stored key cannot be decrypted (ai_key_unreadable)", content: jsonContent(ErrorBody) },
    502: { description: "The provider failed (ai_unavailable, ai_key_rejected)", content: jsonContent(ErrorBody) },
  },
});

export const aiRoutes = new OpenAPIHono<AppEnv>({ defaultHook: validationHook })
  .openapi(instructions, (c) => {
    requireScope(c, "read");
    return c.json(
      {
        spot: { version: SYSTEM_INSTRUCTIONS.spot.version, text: SYSTEM_INSTRUCTIONS.spot.text },
        futures: { version: SYSTEM_INSTRUCTIONS.futures.version, text: SYSTEM_INSTRUCTIONS.futures.text },
        note: "A portfolio's own instructions are appended after these rules and cannot override them.",
      },
      200,
    );
  })
  .openapi(models, async (c) => {
    const principal = requireScope(c, "read");
    const { provider, sharedKeyId } = c.req.valid("query");
    const keyring = requireKeyring(c.var.config.keyring);
    const db = openDatabase(c.env.DB);
    const key = sharedKeyId
      ? await openSharedKey(db, keyring, principal.user.id, sharedKeyId)
      : await openAiKey(db, keyring, principal.user.id, provider);
    if (sharedKeyId && key && "provider" in key && key.provider !== provider)
      throw new ApiError("ai_key_missing", `The shared key ${sharedKeyId} is not a ${provider} key.`);
    if (!key)
      throw new ApiError(
        "ai_key_missing",
        sharedKeyId
          ? "No AI key with this id is shared with you."
          : `Add a ${provider} key first (PUT /api/keys/ai/${provider}).`,
      );
    const list = await listModels(provider, {
      baseUrl: key.baseUrl ?? c.var.config.ai.baseUrls[provider],
      apiKey: key.apiKey,
      fetcher: c.var.identity.outboundFetch,
    });
    if (!list.ok) {
      const code = list.failure.code === "unauthorized" ? "ai_key_rejected" : "ai_unavailable";
      throw new ApiError(code, list.failure.message, { status: 502 });
    }
    return c.json({ provider, models: list.models, cached: list.cached }, 200);
  });
