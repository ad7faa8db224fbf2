import type { AccountServices } from "../../accounts/gateway-for-key.ts";
import type { AiSettings } from "../../ai/providers.ts";
import { readConfig } from "../../config.ts";
import type { Database } from "../../db/client.ts";
import type { PaperStore } from "../../exchanges/paper/paper-account.ts";
import { createLogger, type Logger } from "../../http/logger.ts";
import type { Mutex } from "./mutex.ts";

/**
 * What the engine needs from the outside, passed down once by the portfolio's Durable Object: the database, the
 * keyring that opens exchange and AI keys, the custom-URL policy, AI transport settings, a clock, a logger, and the
 * object's own storage (the paper account, futures settings already applied).
 */
export type EngineServices = AccountServices & {
  ai: AiSettings;
  now: () => Date;
  log: Logger;
  storage: EngineStorage;
  /** Runs work that places, cancels or records orders one at a time with the object's other such work. */
  exclusive<T>(work: () => Promise<T>): Promise<T>;
  /** Serializes calls to the paper broker, whose account is read, matched and written back per call. */
  paperLock: Mutex;
  /** The paper account, kept by the object (paper-account-store.ts). */
  paperAccount: PaperStore;
  /**
   * How many controls and syncs the object has carried out (counted once each has saved what it changes): a review
   * reads its portfolio again before its next step when this moved.
   */
  controlCount(): number;
  /**
   * Says that notifications of this user were queued (and saved): the object delivers them once the work under way is
   * done, in the background, instead of leaving them to the next cron tick.
   */
  notificationsQueued(userId: string): void;
};

/** The Durable Object's storage of this portfolio, as JSON values by key. */
export type EngineStorage = {
  get(key: string): Promise<unknown>;
  put(key: string, value: unknown): Promise<void>;
};

/** The services of one portfolio's object, from its bindings and the parts the object itself holds. */
export function engineServices(
  env: Env,
  portfolioId: string,
  parts: {
    db: Database;
    storage: EngineStorage;
    lock: Mutex;
    paperLock: Mutex;
    paperAccount: PaperStore;
    controlCount: () => number;
    notificationsQueued: (userId: string) => void;
  },
): EngineServices {
  const config = readConfig(env);
  return {
    db: parts.db,
    keyring: config.keyring,
    extraHosts: config.exchangeExtraHosts,
    exchangeTimeoutMs: config.exchangeTimeoutMs,
    ai: config.ai,
    now: () => new Date(),
    log: createLogger(config.logLevel, { portfolioId }),
    storage: parts.storage,
    exclusive: (work) => parts.lock.run(work),
    paperLock: parts.paperLock,
    paperAccount: parts.paperAccount,
    controlCount: parts.controlCount,
    notificationsQueued: parts.notificationsQueued,
  };
}
