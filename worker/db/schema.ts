import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Liveness marks of background work (the cron sweeper), shown by /api/health. */
export const heartbeats = sqliteTable("heartbeats", {
  name: text("name").primaryKey(),
  lastRunAt: integer("last_run_at", { mode: "timestamp_ms" }).notNull(),
  runs: integer("runs").notNull().default(0),
});
