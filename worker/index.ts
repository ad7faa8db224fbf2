import { createApp } from "./app.ts";
import { runScheduled } from "./cron/scheduled.ts";

export { PortfolioOrchestrator } from "./portfolios/portfolio-orchestrator.ts";
export { RateLimiter } from "./ratelimit/rate-limiter-object.ts";

const app = createApp();

export default {
  fetch: app.fetch,
  async scheduled(controller, env, ctx) {
    ctx.waitUntil(runScheduled(controller, env));
  },
} satisfies ExportedHandler<Env>;
