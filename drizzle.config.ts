import { defineConfig } from "drizzle-kit";

// Migrations are generated from worker/db/schema.ts into migrations/ and applied by wrangler (local, tests, remote).
export default defineConfig({
  dialect: "sqlite",
  schema: "./worker/db/schema.ts",
  out: "./migrations",
});
