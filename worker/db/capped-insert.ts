import { and, eq, type SQL, sql } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Database } from "./client.ts";

type TableWithId = SQLiteTable & { id: SQLiteColumn };

/**
 * Inserts a row unless that takes the rows matching `counted` past `cap`. The insert and the check run in one D1
 * batch (one transaction), and an insert that went over is taken back in it, so two racing creates cannot both slip
 * under the cap. Answers whether the row was kept.
 */
export async function insertWithinCap<T extends TableWithId>(
  db: Database,
  table: T,
  values: T["$inferInsert"] & { id: string },
  counted: SQL,
  cap: number,
): Promise<boolean> {
  const [, over] = await db.batch([
    db.insert(table).values(values),
    db
      .delete(table)
      .where(and(eq(table.id, values.id), sql`(SELECT count(*) FROM ${table} WHERE ${counted}) > ${cap}`))
      .returning({ id: table.id }),
  ]);
  return over.length === 0;
}
