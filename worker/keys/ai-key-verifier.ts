import type { AiProvider } from "../../shared/api/keys.ts";

export type AiKeyVerification = { outcome: "verified" } | { outcome: "rejected" | "unavailable"; reason: string };

/** `baseUrl`: the key's own endpoint (already checked by ai-base-url.ts); none: the provider's configured URL. */
export type AiKeyVerifier = (
  provider: AiProvider,
  apiKey: string,
  baseUrl?: string | null,
) => Promise<AiKeyVerification>;

const TIMEOUT_MS = 10_000;

/** OpenAI and Groq both answer `GET /v1/models` with 200 for a usable key and 401 for a bad one. */
export function modelListVerifier(baseUrls: Record<AiProvider, string>, fetcher: typeof fetch = fetch): AiKeyVerifier {
  return async (provider, apiKey, baseUrl) => {
    const url = `${(baseUrl ?? baseUrls[provider]).replace(/\/+$/, "")}/v1/models`;
    let response: Response;
    try {
      response = await fetcher(url, {
        headers: { Authorization: `Bearer ${apiKey}` },
        // Never followed: a redirect would carry the key to a host nobody configured.
        redirect: "manual",
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch {
      return { outcome: "unavailable", reason: `${provider} could not be reached to verify the key.` };
    }
    await response.body?.cancel();
    if (response.ok) return { outcome: "verified" };
    if (response.status >= 300 && response.status < 400) {
      const where = response.headers.get("location");
      return {
        outcome: "unavailable",
        reason: `${provider} answered with a redirect (HTTP ${response.status}${where ? ` to ${where.slice(0, 200)}` : ""}), which is not followed; check the base URL.`,
      };
    }
    if (response.status === 401 || response.status === 403)
      return { outcome: "rejected", reason: `${provider} rejected this key (HTTP ${response.status}).` };
    return { outcome: "unavailable", reason: `${provider} answered HTTP ${response.status} while verifying the key.` };
  };
}
