import type { IdentityDeps, Principal } from "../auth/context.ts";
import type { Config } from "../config.ts";
import type { Logger } from "./logger.ts";

/** What every handler can read from `c.var`: settings, the request-scoped logger and id, the caller (or null). */
export type AppEnv = {
  Bindings: Env;
  Variables: {
    config: Config;
    log: Logger;
    requestId: string;
    principal: Principal | null;
    identity: IdentityDeps;
  };
};
