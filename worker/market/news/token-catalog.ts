import { eq } from "drizzle-orm";
import type { Database } from "../../db/client.ts";
import { exchangeKeys, newsTokenCatalog } from "../../db/schema.ts";
import type { Environment, MarketBaseUrls, MarketType, Venue } from "../../exchanges/contract.ts";
import { createGateway } from "../../exchanges/gateway.ts";
import type { Logger } from "../../http/logger.ts";
import { storedBaseUrls } from "../../keys/exchange-credentials.ts";
import { MAJOR_TOKENS } from "./token-tagger.ts";

/**
 * Every base asset the venues list, for tagging headlines: read from the public market catalogs of the venue sites
 * the verified keys use (the live sites when there are none), cached in D1 for a day so a cron tick reads one row.
 * A site that fails is skipped; when every site fails the previous list is kept. The majors are always known.
 */

const CATALOG_ID = "venues";
const REFRESH_MS = 24 * 3_600_000;
/** Distinct venue sites read per refresh (a site is venue + environment + custom URLs). */
const MAX_SITES = 6;
const MAX_TOKENS = 5_000;

type Site = { venue: Venue; environment: Environment; customBaseUrls: MarketBaseUrls | null };

export type CatalogDeps = { db: Database; extraHosts: string[]; timeoutMs: number; log: Logger; now: Date };

export async function tokenCatalog(deps: CatalogDeps): Promise<Set<string>> {
  const cached = await deps.db.select().from(newsTokenCatalog).where(eq(newsTokenCatalog.id, CATALOG_ID)).get();
  if (cached && deps.now.getTime() - cached.refreshedAt.getTime() < REFRESH_MS) return withMajors(cached.tokens);
  const read = await readVenueTokens(deps);
  if (read.size === 0) return withMajors(cached?.tokens ?? "");
  const tokens = [...read].sort().slice(0, MAX_TOKENS).join(" ");
  await deps.db
    .insert(newsTokenCatalog)
    .values({ id: CATALOG_ID, tokens, refreshedAt: deps.now })
    .onConflictDoUpdate({ target: newsTokenCatalog.id, set: { tokens, refreshedAt: deps.now } });
  return withMajors(tokens);
}

function withMajors(tokens: string): Set<string> {
  return new Set([...tokens.split(" ").filter(Boolean), ...MAJOR_TOKENS]);
}

async function readVenueTokens(deps: CatalogDeps): Promise<Set<string>> {
  const tokens = new Set<string>();
  const reads = (await venueSites(deps.db)).flatMap((site) =>
    // A custom key without a URL for a market has no catalog there.
    (["spot", "linear"] as MarketType[])
      .filter((market) => !site.customBaseUrls || site.customBaseUrls[market])
      .map(async (market) => {
        try {
          const gateway = createGateway({
            ...site,
            credentials: null,
            extraHosts: deps.extraHosts,
            timeoutMs: deps.timeoutMs,
          });
          for (const m of await gateway.markets(market)) if (/^[A-Z0-9]{1,20}$/.test(m.base)) tokens.add(m.base);
        } catch (error) {
          deps.log.warn("news token catalog: venue site skipped", {
            venue: site.venue,
            environment: site.environment,
            market,
            reason: error instanceof Error ? error.message.slice(0, 200) : "failed",
          });
        }
      }),
  );
  await Promise.all(reads);
  return tokens;
}

async function venueSites(db: Database): Promise<Site[]> {
  const keys = await db
    .selectDistinct({
      venue: exchangeKeys.venue,
      environment: exchangeKeys.environment,
      spotBaseUrl: exchangeKeys.spotBaseUrl,
      linearBaseUrl: exchangeKeys.linearBaseUrl,
    })
    .from(exchangeKeys)
    .where(eq(exchangeKeys.status, "verified"))
    .limit(MAX_SITES);
  if (keys.length === 0)
    return (["binance", "bybit"] as Venue[]).map((venue) => ({ venue, environment: "live", customBaseUrls: null }));
  return keys.map((key) => ({ venue: key.venue, environment: key.environment, customBaseUrls: storedBaseUrls(key) }));
}
