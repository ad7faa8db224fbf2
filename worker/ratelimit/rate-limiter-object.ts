import { DurableObject } from "cloudflare:workers";
import { consume, type RateDecision, type RateRule } from "./gcra.ts";
import { attempt, type LockoutDecision, type LockoutRule, type LockoutState } from "./lockout.ts";

const TAT_KEY = "tat";
const LOCKOUT_KEY = "lockout";

/**
 * One instance per limited subject (preset + user or IP); its single thread makes each count exact. An instance is
 * either a rate meter (`consume`) or a lockout (`attemptLockout`, `clearLockout`), by the name it is reached under.
 */
export class RateLimiter extends DurableObject<Env> {
  consume(rule: RateRule, now: number = Date.now()): RateDecision {
    const stored = this.ctx.storage.kv.get<number>(TAT_KEY) ?? null;
    const result = consume(rule, stored, now);
    this.ctx.storage.kv.put(TAT_KEY, result.tat);
    return result.decision;
  }

  attemptLockout(rule: LockoutRule, now: number = Date.now()): LockoutDecision {
    const stored = this.ctx.storage.kv.get<LockoutState>(LOCKOUT_KEY) ?? null;
    const result = attempt(rule, stored, now);
    this.ctx.storage.kv.put(LOCKOUT_KEY, result.state);
    return result.decision;
  }

  clearLockout(): void {
    this.ctx.storage.kv.delete(LOCKOUT_KEY);
  }
}
