import type { AiProvider } from "../../shared/api/keys.ts";
import { ReasoningEffort } from "../../shared/api/portfolios.ts";
import * as z from "../../shared/api/zod.ts";
import { supportsStrictOutput } from "./groq.ts";
import { priceOf } from "./pricing.ts";
import type { DecisionFailure } from "./provider.ts";
import { isRedirect, redact, redirectFailure } from "./transport.ts";

/**
 * Model lists per provider (GET {base}/v1/models, the same call that verifies keys), cached in the isolate for
 * ten minutes per provider, base URL and key (keyed by the key's SHA-256, never the key). Only models that can
 * produce a structured decision are listed: embeddings, speech, image and moderation models are left out.
 */

export const AiModel = z
  .object({
    id: z.string(),
    ownedBy: z.string().nullable(),
    /** Constrained decoding for the decision schema (strict mode). */
    strictOutput: z.boolean(),
    webSearch: z.boolean(),
    /** The reasoning efforts the model accepts (empty: it does not reason, or takes no effort setting). */
    reasoningEfforts: z.array(ReasoningEffort),
    /** An estimated price is known (pricing.ts). */
    priced: z.boolean(),
  })
  .openapi("AiModel");
export type AiModel = z.infer<typeof AiModel>;

const TTL_MS = 10 * 60_000;
const TIMEOUT_MS = 10_000;

const NOT_FOR_DECISIONS =
  /embedding|whisper|tts|transcribe|audio|realtime|dall-e|image|moderation|guard|davinci|babbage|search-preview|computer-use|sora|codex/i;

type Entry = { expiresAt: number; models: AiModel[] };
const cache = new Map<string, Entry>();

export type ModelListDeps = { baseUrl: string; apiKey: string; fetcher?: typeof fetch; now?: () => number };

export type ModelList = { ok: true; models: AiModel[]; cached: boolean } | { ok: false; failure: DecisionFailure };

export async function listModels(provider: AiProvider, deps: ModelListDeps): Promise<ModelList> {
  const now = deps.now?.() ?? Date.now();
  const base = deps.baseUrl.replace(/\/+$/, "");
  const key = `${provider}|${base}|${await sha256(deps.apiKey)}`;
  const hit = cache.get(key);
  if (hit && hit.expiresAt > now) return { ok: true, models: hit.models, cached: true };

  const fetcher = deps.fetcher ?? ((input, init) => fetch(input, init));
  const label = provider === "openai" ? "OpenAI" : "Groq";
  let response: Response;
  try {
    response = await fetcher(`${base}/v1/models`, {
      headers: { authorization: `Bearer ${deps.apiKey}` },
      // Never followed: a redirect would carry the key to a host nobody configured.
      redirect: "manual",
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch {
    return { ok: false, failure: { code: "unreachable", message: `${label} could not be reached.`, httpStatus: null } };
  }
  const body = (await response.json().catch(() => null)) as {
    data?: { id?: unknown; owned_by?: unknown }[];
    error?: { message?: string };
  } | null;
  if (isRedirect(response.status)) return { ok: false, failure: redirectFailure(response, label) };
  if (!response.ok) {
    const code = response.status === 401 || response.status === 403 ? "unauthorized" : "provider_error";
    const detail = redact(body?.error?.message ?? "", deps.apiKey);
    return {
      ok: false,
      failure: {
        code,
        message: `${label} answered HTTP ${response.status}. ${detail}`.trim(),
        httpStatus: response.status,
      },
    };
  }
  const models = (body?.data ?? [])
    .flatMap((m) =>
      typeof m.id === "string" ? [{ id: m.id, ownedBy: typeof m.owned_by === "string" ? m.owned_by : null }] : [],
    )
    .filter((m) => !NOT_FOR_DECISIONS.test(m.id))
    .map((m) => describeModel(provider, m.id, m.ownedBy))
    .sort((a, b) => a.id.localeCompare(b.id));
  cache.set(key, { expiresAt: now + TTL_MS, models });
  return { ok: true, models, cached: false };
}

function describeModel(provider: AiProvider, id: string, ownedBy: string | null): AiModel {
  return {
    id,
    ownedBy,
    strictOutput: provider === "openai" ? true : supportsStrictOutput(id),
    ...modelCapabilities(provider, id),
    priced: priceOf(id) !== null,
  };
}

export type ModelCapabilities = { reasoningEfforts: ReasoningEffort[]; webSearch: boolean };

const FULL_EFFORTS: ReasoningEffort[] = ["minimal", "low", "medium", "high"];
const BASIC_EFFORTS: ReasoningEffort[] = ["low", "medium", "high"];

/**
 * What a model accepts, by its id (dated snapshots like their family), from the providers' docs: GPT-5 takes
 * minimal..high and GPT-5.x none..high (https://platform.openai.com/docs/guides/reasoning), o-series low..high; the
 * web_search tool works with GPT-4o, GPT-4.1 (not nano), GPT-5 and o3/o4-mini
 * (https://platform.openai.com/docs/guides/tools-web-search). Groq takes reasoning_effort for GPT-OSS only, and has
 * no web search. An unknown model gets neither, so nothing it might refuse is sent.
 */
export function modelCapabilities(provider: AiProvider, model: string): ModelCapabilities {
  if (provider === "groq")
    return { reasoningEfforts: supportsStrictOutput(model) ? BASIC_EFFORTS : [], webSearch: false };
  if (/^gpt-5\.\d/.test(model)) return { reasoningEfforts: ["none", ...BASIC_EFFORTS], webSearch: true };
  if (/^gpt-5(-|$)/.test(model) && !/^gpt-5-chat/.test(model))
    return { reasoningEfforts: FULL_EFFORTS, webSearch: true };
  if (/^o\d/.test(model)) return { reasoningEfforts: BASIC_EFFORTS, webSearch: /^(o3|o4-mini)(-|$)/.test(model) };
  if (/^gpt-4\.1-nano/.test(model)) return { reasoningEfforts: [], webSearch: false };
  return { reasoningEfforts: [], webSearch: /^gpt-4(o|\.1)(-|$)/.test(model) };
}

/**
 * Why a model cannot take these options, with the field to name, or null. GPT-5 does not search the web at minimal
 * effort (the tools-web-search guide's limitations).
 */
export function unsupportedOption(
  provider: AiProvider,
  model: string,
  options: { reasoningEffort: ReasoningEffort | null; webSearch: boolean },
): { field: "reasoningEffort" | "webSearch"; message: string } | null {
  const can = modelCapabilities(provider, model);
  if (options.reasoningEffort !== null && !can.reasoningEfforts.includes(options.reasoningEffort)) {
    const accepted = can.reasoningEfforts.length ? `it accepts ${can.reasoningEfforts.join(", ")}` : "it takes none";
    return {
      field: "reasoningEffort",
      message: `${model} does not take reasoning effort "${options.reasoningEffort}" (${accepted}); leave it null for the model's default.`,
    };
  }
  if (options.webSearch && !can.webSearch)
    return {
      field: "webSearch",
      message: `${model} cannot search the web (${provider} web_search tool); turn it off.`,
    };
  if (options.webSearch && options.reasoningEffort === "minimal")
    return {
      field: "webSearch",
      message: `${model} cannot search the web at reasoning effort "minimal"; raise it or turn web search off.`,
    };
  return null;
}

/** For tests: forget every cached list. */
export function clearModelCache(): void {
  cache.clear();
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
