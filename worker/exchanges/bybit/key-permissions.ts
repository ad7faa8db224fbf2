import type { Environment, KeyPermissions } from "../contract.ts";
import type { BybitRest } from "./rest.ts";
import { ApiKeyInfo, WalletBalance } from "./wire.ts";

/**
 * What a Bybit key may do, asked in a way its environment serves (exchanges.md §3.1). Live, testnet (a full V5
 * environment) and custom sites answer user/query-api with the key's own permissions, withdrawals included. Demo
 * trading serves only a subset of V5 without it (docs/v5/demo.mdx), so a demo key is checked with a read demo does
 * serve, the unified wallet, and its trading rights are assumed; a demo account cannot withdraw anything.
 */
export function keyPermissions(environment: Environment, rest: BybitRest): Promise<KeyPermissions> {
  return environment === "demo" ? demoPermissions(rest) : reportedPermissions(rest);
}

async function reportedPermissions(rest: BybitRest): Promise<KeyPermissions> {
  const { result } = await rest.signedGet(
    { market: "spot", path: "/v5/user/query-api", operation: "user/query-api", schema: ApiKeyInfo, idempotent: true },
    {},
  );
  const has = (group: string, permission: string) => result.permissions[group]?.includes(permission) ?? false;
  const writable = result.readOnly === 0;
  const ips = result.ips ?? [];
  return {
    canRead: true,
    spotTrading: writable && has("Spot", "SpotTrade"),
    futuresTrading: writable && (has("ContractTrade", "Order") || has("Derivatives", "DerivativesTrade")),
    withdrawals: has("Wallet", "Withdraw"),
    ipRestricted: ips.length === 0 ? null : !(ips.length === 1 && ips[0] === "*"),
    note: null,
  };
}

async function demoPermissions(rest: BybitRest): Promise<KeyPermissions> {
  // Throws for a key demo does not know (10003), like query-api would elsewhere.
  await rest.signedGet(
    {
      market: "spot",
      path: "/v5/account/wallet-balance",
      operation: "account/wallet-balance",
      schema: WalletBalance,
      idempotent: true,
    },
    { accountType: "UNIFIED" },
  );
  return {
    canRead: true,
    spotTrading: true,
    futuresTrading: true,
    withdrawals: false,
    ipRestricted: null,
    note: "Bybit demo trading does not report key permissions, so the key was checked with a wallet read: trading spot and futures is assumed (a read-only key is refused when it places an order), and nothing can be withdrawn there.",
  };
}
