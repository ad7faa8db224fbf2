import { ApiError } from "../http/api-error.ts";

/**
 * Keyset cursors for newest-first lists: the last row's (time, id), so pages stay stable while rows are added. Opaque
 * to clients (base64); a cursor that does not decode is a 400 naming the parameter.
 */

export function encodeCursor(at: Date, id: string): string {
  return btoa(`${at.getTime()}:${id}`);
}

export function decodeCursor(cursor: string): { at: Date; id: string } {
  let decoded = "";
  try {
    decoded = atob(cursor);
  } catch {
    // falls through to the error below
  }
  const match = /^(\d{1,15}):([\w-]{1,64})$/.exec(decoded);
  if (!match?.[1] || !match[2])
    throw new ApiError("validation_failed", "query.cursor: not a cursor from a previous page of this list.");
  return { at: new Date(Number(match[1])), id: match[2] };
}

/** One page of a newest-first list fetched with limit + 1 rows: the page, and the cursor when there is more. */
export function pageOf<T>(rows: T[], limit: number, key: (row: T) => { at: Date; id: string }) {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const nextCursor = rows.length > limit && last ? encodeCursor(key(last).at, key(last).id) : null;
  return { rows: page, nextCursor };
}
