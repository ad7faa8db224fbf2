import { api, type PortfolioListItem } from "#lib/api/client.ts";

/** Enough pages for any real account; a guard against a cursor that never ends. */
const MAX_PAGES = 50;

/** Every portfolio of the signed-in user, page after page through `nextCursor` (the totals need all of them). */
export async function listAllPortfolios(): Promise<{ data?: PortfolioListItem[]; error?: unknown }> {
  const all: PortfolioListItem[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const { data, error } = await api.GET("/api/portfolios", {
      params: { query: { limit: 100, ...(cursor ? { cursor } : {}) } },
    });
    if (error !== undefined) return { error };
    all.push(...data.portfolios);
    if (!data.nextCursor) break;
    cursor = data.nextCursor;
  }
  return { data: all };
}
