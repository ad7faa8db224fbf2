import type { Environment, KeyPermissions, MarketType } from "../contract.ts";
import { ExchangeError, isExchangeError } from "../errors.ts";
import type { BinanceRest } from "./rest.ts";
import { AccountTrading, ApiRestrictions } from "./wire.ts";

const venue = "binance" as const;

/**
 * What a Binance key may do, asked in a way its environment serves (exchanges.md §1.1, §2.1). Live sites (and custom
 * ones, which name live hosts or a stand-in) report the key's own restrictions, withdrawals included, at
 * /sapi/v1/account/apiRestrictions. Testnet and demo sites serve no /sapi, and the spot and futures testnets are
 * separate sites with separate keys, so there each market's account is read on its own site: a key one site refuses
 * does not trade that market, and one both refuse is rejected.
 */
export function keyPermissions(
  environment: Environment,
  rests: Record<MarketType, BinanceRest>,
): Promise<KeyPermissions> {
  if (environment === "testnet" || environment === "demo") return probedPermissions(environment, rests);
  return reportedPermissions(rests);
}

async function reportedPermissions(rests: Record<MarketType, BinanceRest>): Promise<KeyPermissions> {
  if (rests.spot.baseUrl === null) {
    // Withdrawal rights are readable only there; a key we cannot prove withdrawal-free must not be verified.
    throw new ExchangeError(
      "not_supported",
      "Binance reports a key's permissions (withdrawals included) only through its spot API: give this custom key a spot base URL too, so it can be verified.",
      { venue },
    );
  }
  const r = await rests.spot.send({
    method: "GET",
    path: "/sapi/v1/account/apiRestrictions",
    signed: true,
    schema: ApiRestrictions,
  });
  return {
    canRead: r.enableReading,
    spotTrading: r.enableSpotAndMarginTrading,
    // Without a futures URL the key cannot reach futures, whatever it may do there.
    futuresTrading: r.enableFutures && rests.linear.baseUrl !== null,
    withdrawals: r.enableWithdrawals,
    ipRestricted: r.ipRestrict,
    note: null,
  };
}

async function probedPermissions(
  environment: "testnet" | "demo",
  rests: Record<MarketType, BinanceRest>,
): Promise<KeyPermissions> {
  const [spot, futures] = await Promise.all([
    tradingFlag(rests.spot, "/api/v3/account", { omitZeroBalances: "true" }),
    tradingFlag(rests.linear, "/fapi/v2/account", {}),
  ]);
  const sites = environment === "testnet" ? "testnet" : "demo-trading";
  if (spot === null && futures === null) {
    throw new ExchangeError(
      "authentication",
      `Neither Binance's spot nor its futures ${sites} site accepts this key.`,
      {
        venue,
      },
    );
  }
  const answer = (canTrade: boolean | null) => (canTrade === null ? "refused the key" : canTrade ? "yes" : "no");
  return {
    canRead: true,
    spotTrading: spot ?? false,
    futuresTrading: futures ?? false,
    withdrawals: false,
    ipRestricted: null,
    note: `Binance's ${sites} sites do not report key permissions, so each market's account was read on its own site (spot: ${answer(spot)}; futures: ${answer(futures)}). Nothing can be withdrawn there.`,
  };
}

/** The account's trading flag on one site, or null when that site refuses the key (-2015: unknown there). */
async function tradingFlag(rest: BinanceRest, path: string, params: Record<string, string>): Promise<boolean | null> {
  try {
    const account = await rest.send({ method: "GET", path, params, signed: true, schema: AccountTrading });
    return account.canTrade;
  } catch (error) {
    if (isExchangeError(error, "authentication") || isExchangeError(error, "permission")) return null;
    throw error;
  }
}
