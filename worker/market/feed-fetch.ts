/**
 * One bounded GET of a public feed: no redirects followed (a 3xx is an error, so a feed cannot bounce the worker to
 * another host), a deadline that covers the body too, and a size cap enforced while streaming.
 */

export type FeedLimits = { timeoutMs: number; maxBytes: number; accept: string };

export class FeedFetchError extends Error {}

export async function fetchFeedText(url: URL, limits: FeedLimits): Promise<string> {
  const response = await fetch(url, {
    headers: { Accept: limits.accept, "User-Agent": "Ballast/1 (+feed reader)" },
    redirect: "manual",
    signal: AbortSignal.timeout(limits.timeoutMs),
  }).catch((error: unknown) => {
    throw new FeedFetchError(isTimeout(error) ? `no answer within ${limits.timeoutMs} ms` : "unreachable");
  });
  if (response.status >= 300 && response.status < 400) {
    await response.body?.cancel();
    throw new FeedFetchError(`answered a redirect (${response.status}), which is not followed`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new FeedFetchError(`answered HTTP ${response.status}`);
  }
  const declared = Number(response.headers.get("Content-Length") ?? "0");
  if (declared > limits.maxBytes) {
    await response.body?.cancel();
    throw new FeedFetchError(`is larger than ${limits.maxBytes} bytes`);
  }
  return readCapped(response, limits).catch((error: unknown) => {
    if (error instanceof FeedFetchError) throw error;
    throw new FeedFetchError(isTimeout(error) ? `no answer within ${limits.timeoutMs} ms` : "broke off mid-answer");
  });
}

async function readCapped(response: Response, limits: FeedLimits): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return "";
  const decoder = new TextDecoder();
  let size = 0;
  let text = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limits.maxBytes) {
      await reader.cancel();
      throw new FeedFetchError(`is larger than ${limits.maxBytes} bytes`);
    }
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
}
