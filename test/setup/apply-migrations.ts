import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

// Storage is shared between tests in the vitest 4 pool; migrations are idempotent so every file can apply them.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
