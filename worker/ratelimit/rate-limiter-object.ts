import { DurableObject } from "cloudflare:workers";
import { consume, type RateDecision, type RateRule } from "./gcra.ts";

const TAT_KEY = "tat";

/** One instance per limited subject (preset + user or IP); its single thread makes each count exact. */
export class RateLimiter extends DurableObject<Env> {
  consume(rule: RateRule, now: number = Date.now()): RateDecision {
    const stored = this.ctx.storage.kv.get<number>(TAT_KEY) ?? null;
    const result = consume(rule, stored, now);
    this.ctx.storage.kv.put(TAT_KEY, result.tat);
    return result.decision;
  }
}
