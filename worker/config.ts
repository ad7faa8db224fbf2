import { z } from "@hono/zod-openapi";

/**
 * Settings are parsed once per Env object and passed down; nothing else reads `env.X` for settings.
 * Bindings (DB, ASSETS, Durable Objects) are read from `env` by the code that owns them.
 */
const ConfigSchema = z
  .object({
    APP_VERSION: z.string().default("0.0.0"),
    LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  })
  .transform((raw) => ({
    version: raw.APP_VERSION,
    logLevel: raw.LOG_LEVEL,
  }));

export type Config = z.output<typeof ConfigSchema>;

const cache = new WeakMap<object, Config>();

export function readConfig(env: Env): Config {
  const cached = cache.get(env);
  if (cached) return cached;
  const config = ConfigSchema.parse(env);
  cache.set(env, config);
  return config;
}
