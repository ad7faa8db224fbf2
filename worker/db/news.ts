import { lt, sql } from "drizzle-orm";
import type { Database } from "./client.ts";
import { fearGreedReadings, heartbeats, newsItems } from "./schema.ts";

export type NewsItemRow = typeof newsItems.$inferInsert;

/**
 * Stores new headlines; one already stored under the same id (guid), link or normalized title is left as it is.
 * Answers how many were new.
 */
export async function insertNewsItems(db: Database, rows: NewsItemRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const statements = rows.map((row) =>
    db.insert(newsItems).values(row).onConflictDoNothing().returning({ id: newsItems.id }),
  );
  const results = await db.batch(statements as [(typeof statements)[number], ...typeof statements]);
  return results.reduce((sum, inserted) => sum + inserted.length, 0);
}

/** Deletes headlines published before `before`, then all but the newest `keep`. Answers how many went. */
export async function pruneNewsItems(db: Database, before: Date, keep: number): Promise<number> {
  const [old, extra] = await db.batch([
    db.delete(newsItems).where(lt(newsItems.publishedAt, before)).returning({ id: newsItems.id }),
    db
      .delete(newsItems)
      .where(
        sql`${newsItems.id} IN (SELECT ${newsItems.id} FROM ${newsItems} ORDER BY ${newsItems.publishedAt} DESC LIMIT -1 OFFSET ${keep})`,
      )
      .returning({ id: newsItems.id }),
  ]);
  return old.length + extra.length;
}

export type FearGreedRow = typeof fearGreedReadings.$inferInsert;

/** Saves a reading (the same day's reading is updated) and keeps the newest `keep`. */
export async function saveFearGreed(db: Database, row: FearGreedRow, keep: number): Promise<void> {
  await db.batch([
    db
      .insert(fearGreedReadings)
      .values(row)
      .onConflictDoUpdate({
        target: fearGreedReadings.at,
        set: { value: row.value, classification: row.classification, fetchedAt: row.fetchedAt },
      }),
    db
      .delete(fearGreedReadings)
      .where(
        sql`${fearGreedReadings.at} IN (SELECT ${fearGreedReadings.at} FROM ${fearGreedReadings} ORDER BY ${fearGreedReadings.at} DESC LIMIT -1 OFFSET ${keep})`,
      ),
  ]);
}

/**
 * Claims a periodic job for `at`: true, and its mark moved to `at`, when it last ran `everyMs` or more before (or
 * never); false otherwise. One conditional upsert, so two ticks racing for the same slot cannot both win.
 */
export async function claimPeriodicJob(db: Database, name: string, at: Date, everyMs: number): Promise<boolean> {
  const claimed = await db
    .insert(heartbeats)
    .values({ name, lastRunAt: at, runs: 1 })
    .onConflictDoUpdate({
      target: heartbeats.name,
      set: { lastRunAt: at, runs: sql`${heartbeats.runs} + 1` },
      setWhere: sql`${heartbeats.lastRunAt} <= ${at.getTime() - everyMs}`,
    })
    .returning({ name: heartbeats.name });
  return claimed.length > 0;
}
