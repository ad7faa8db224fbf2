import * as z from "zod";
import type { Database } from "../../db/client.ts";
import { saveFearGreed } from "../../db/news.ts";
import { fetchFeedText } from "../feed-fetch.ts";
import { checkedFeedUrl } from "../feed-url.ts";

/**
 * alternative.me's Crypto Fear & Greed Index (`GET /fng/?limit=1`): 0 (extreme fear) … 100 (extreme greed), one
 * reading a day. The cron asks at most hourly and keeps a short history in D1; reviews read it from there.
 */

export const FEAR_GREED_HISTORY = 30;

const FearGreedAnswer = z.object({
  data: z
    .array(
      z.object({
        value: z
          .string()
          .regex(/^\d{1,3}$/)
          .transform(Number)
          .pipe(z.number().int().min(0).max(100)),
        value_classification: z.string().min(1).max(40),
        timestamp: z
          .string()
          .regex(/^\d{9,11}$/)
          .transform((s) => Number(s) * 1_000),
      }),
    )
    .min(1)
    .max(100),
});

export type FearGreedDeps = {
  db: Database;
  baseUrl: string;
  extraHosts: readonly string[];
  timeoutMs: number;
  now: Date;
};

/** Fetches and stores the latest reading; throws with a short reason when it cannot (the cron logs it). */
export async function refreshFearGreed(deps: FearGreedDeps): Promise<{ value: number; classification: string }> {
  const checked = checkedFeedUrl(`${deps.baseUrl.replace(/\/+$/, "")}/fng/?limit=1`, deps.extraHosts);
  if ("refused" in checked) throw new Error(`Fear & Greed URL refused: ${checked.refused}`);
  const text = await fetchFeedText(checked.url, {
    timeoutMs: deps.timeoutMs,
    maxBytes: 64 * 1024,
    accept: "application/json",
  });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error("Fear & Greed answer is not JSON");
  }
  const parsed = FearGreedAnswer.safeParse(json);
  if (!parsed.success) throw new Error("Fear & Greed answer does not have the expected shape");
  const latest = parsed.data.data[0] as z.output<typeof FearGreedAnswer>["data"][number];
  const classification = latest.value_classification.replace(/[^\p{L}\p{N} ]/gu, "").trim() || "Unknown";
  await saveFearGreed(
    deps.db,
    { at: new Date(latest.timestamp), value: latest.value, classification, fetchedAt: deps.now },
    FEAR_GREED_HISTORY,
  );
  return { value: latest.value, classification };
}
