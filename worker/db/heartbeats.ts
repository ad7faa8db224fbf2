import { eq, sql } from "drizzle-orm";
import type { Database } from "./client.ts";
import { heartbeats } from "./schema.ts";

export async function recordHeartbeat(db: Database, name: string, at: Date): Promise<void> {
  await db
    .insert(heartbeats)
    .values({ name, lastRunAt: at, runs: 1 })
    .onConflictDoUpdate({ target: heartbeats.name, set: { lastRunAt: at, runs: sql`${heartbeats.runs} + 1` } });
}

export async function readHeartbeat(db: Database, name: string): Promise<Date | null> {
  const row = await db.select().from(heartbeats).where(eq(heartbeats.name, name)).get();
  return row?.lastRunAt ?? null;
}
