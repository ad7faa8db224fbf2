import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../worker/index.ts";
import { signIn, testApp, userId } from "./identity/support.ts";

const DAY = 24 * 3_600_000;

async function tick(at: number) {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: at, cron: "* * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

const count = async (sql: string, ...params: unknown[]) =>
  (
    await env.DB.prepare(sql)
      .bind(...params)
      .first<{ n: number }>()
  )?.n ?? 0;

describe("cron housekeeping", () => {
  it("deletes expired and idle sessions, keeps live ones", async () => {
    const now = Date.now();
    // Ids first: after the sweep the expired sessions can no longer ask who they are.
    const live = await userId(await signIn(testApp()));
    const expired = await userId(await signIn(testApp()));
    const idle = await userId(await signIn(testApp()));
    await env.DB.prepare("UPDATE sessions SET expires_at = ? WHERE user_id = ?")
      .bind(now - 1_000, expired)
      .run();
    await env.DB.prepare("UPDATE sessions SET last_seen_at = ? WHERE user_id = ?")
      .bind(now - 30 * DAY, idle)
      .run();

    await tick(now);

    const sessionsOf = (user: string) => count("SELECT COUNT(*) AS n FROM sessions WHERE user_id = ?", user);
    expect(await sessionsOf(live)).toBe(1);
    expect(await sessionsOf(expired)).toBe(0);
    expect(await sessionsOf(idle)).toBe(0);
  });

  it("forgets idempotency records after the retention period only", async () => {
    const now = Date.now();
    const user = await userId(await signIn(testApp()));
    const insert = env.DB.prepare(
      "INSERT INTO idempotency_keys (user_id, key, request_hash, status, created_at) VALUES (?, ?, 'h', 'done', ?)",
    );
    await insert.bind(user, "old", now - 8 * DAY).run();
    await insert.bind(user, "recent", now - 1 * DAY).run();

    await tick(now);

    const keys = await env.DB.prepare("SELECT key FROM idempotency_keys WHERE user_id = ? ORDER BY key")
      .bind(user)
      .all<{ key: string }>();
    expect(keys.results.map((r) => r.key)).toEqual(["recent"]);
  });
});
