import type { AccountServices } from "../../accounts/gateway-for-key.ts";
import type { AiSettings } from "../../ai/providers.ts";
import type { Logger } from "../../http/logger.ts";
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
};

/** The Durable Object's storage of this portfolio, as JSON values by key. */
export type EngineStorage = {
  get(key: string): Promise<unknown>;
  put(key: string, value: unknown): Promise<void>;
};
