import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../worker/index.ts";

describe("scheduled sweeper", () => {
  it("records its run, which /api/health then reports", async () => {
    const scheduledTime = Date.UTC(2026, 10, 24, 12, 0, 0);
    const controller = createScheduledController({ scheduledTime, cron: "* * * * *" });
    const ctx = createExecutionContext();
    await worker.scheduled(controller, env, ctx);
    await waitOnExecutionContext(ctx);

    const res = await exports.default.fetch("http://localhost/api/health");
    const body = (await res.json()) as { lastCronAt: string | null };
    expect(body.lastCronAt).toBe(new Date(scheduledTime).toISOString());
  });

  it("is idempotent when cron fires twice for the same minute", async () => {
    const scheduledTime = Date.UTC(2026, 10, 24, 12, 1, 0);
    for (let i = 0; i < 2; i++) {
      const ctx = createExecutionContext();
      await worker.scheduled(createScheduledController({ scheduledTime, cron: "* * * * *" }), env, ctx);
      await waitOnExecutionContext(ctx);
    }
    const row = await env.DB.prepare("SELECT last_run_at FROM heartbeats WHERE name = 'cron'").first<{
      last_run_at: number;
    }>();
    expect(row?.last_run_at).toBe(scheduledTime);
  });
});
