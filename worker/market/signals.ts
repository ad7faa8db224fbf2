import type { MarketSignal } from "../../shared/api/decision-input.ts";

/**
 * The signals a review sees, in one statement that goes into the snapshot step's D1 batch (no extra round trip):
 * the newest headlines of the last 48 hours that mention one of the portfolio's tokens or no token (market-wide),
 * and the latest Fear & Greed reading of the last 48 hours. Missing tables' rows simply mean no signals.
 */

export const SIGNAL_WINDOW_MS = 48 * 3_600_000;
export const MAX_NEWS_SIGNALS = 8;

export function signalsStatement(d1: D1Database, tokens: readonly string[], now: Date): D1PreparedStatement {
  const since = now.getTime() - SIGNAL_WINDOW_MS;
  const mentions = tokens.map(() => "instr(tokens, ?) > 0").join(" OR ");
  const sql = `SELECT * FROM (
      SELECT 'news' AS kind, source, title AS summary, link AS url, tokens, score, published_at AS at
      FROM news_items WHERE published_at >= ? AND published_at <= ? AND (tokens = ' '${mentions ? ` OR ${mentions}` : ""})
      ORDER BY published_at DESC LIMIT ${MAX_NEWS_SIGNALS})
    UNION ALL
    SELECT * FROM (
      SELECT 'sentiment' AS kind, 'alternative.me' AS source, classification AS summary, NULL AS url, ' ' AS tokens,
        value AS score, at
      FROM fear_greed_readings WHERE at >= ? AND at <= ? ORDER BY at DESC LIMIT 1)`;
  return d1.prepare(sql).bind(since, now.getTime(), ...tokens.map((t) => ` ${t} `), since, now.getTime());
}

type SignalRow = {
  kind: "news" | "sentiment";
  source: string;
  summary: string;
  url: string | null;
  tokens: string;
  score: number;
  at: number;
};

/** The statement's rows as decision-input signals: news newest first, then the sentiment reading. */
export function readSignals(result: D1Result | undefined, tokens: readonly string[], now: Date): MarketSignal[] {
  const rows = (result?.results ?? []) as SignalRow[];
  return rows.map((row) => {
    const ageMinutes = Math.max(0, Math.floor((now.getTime() - row.at) / 60_000));
    const at = new Date(row.at).toISOString();
    if (row.kind === "sentiment") {
      const value = Math.max(0, Math.min(100, row.score));
      return {
        source: row.source,
        asset: null,
        kind: "sentiment",
        // 0 (extreme fear) … 100 (extreme greed) onto −1 … +1.
        score: Math.round((value / 50 - 1) * 100) / 100,
        summary: `Fear & Greed ${value} (${row.summary})`,
        at,
        ageMinutes,
      };
    }
    const mentioned = row.tokens.trim().split(" ").filter(Boolean);
    return {
      source: row.source,
      asset: tokens.find((t) => mentioned.includes(t)) ?? null,
      kind: "news",
      score: Math.max(-1, Math.min(1, row.score)),
      summary: row.summary.slice(0, 500),
      at,
      ageMinutes,
      ...(row.url ? { url: row.url } : {}),
    };
  });
}
