import type { Account } from "../engine/types.ts";
import { RET } from "./codes.ts";
import { account, type Endpoint, RetFailure, str } from "./endpoint.ts";
import { walletView } from "./views.ts";

/** The unified wallet and the API key's own permissions. */

export const accountEndpoints: Endpoint[] = [
  {
    method: "GET",
    path: "/v5/account/wallet-balance",
    auth: () => "read",
    handle(call) {
      if (call.params.accountType !== "UNIFIED") {
        throw new RetFailure({ retCode: RET.paramsError, retMsg: "accountType only support UNIFIED." });
      }
      const coins = str(call.params.coin)?.split(",") ?? null;
      return walletView(call.exchange, account(call), coins);
    },
  },
  {
    method: "GET",
    path: "/v5/user/query-api",
    // Any permission can read its own key's information (user/apikey-info.mdx).
    auth: "any_key",
    handle(call) {
      const acct = account(call);
      const p = acct.permissions;
      return {
        id: acct.id,
        note: "simulator",
        apiKey: acct.apiKey,
        readOnly: p.spot || p.futures ? 0 : 1,
        secret: "",
        permissions: {
          ContractTrade: p.futures ? ["Order", "Position"] : [],
          Spot: p.spot ? ["SpotTrade"] : [],
          Wallet: p.withdrawals ? ["AccountTransfer", "Withdraw"] : ["AccountTransfer"],
          Options: [],
          Derivatives: p.futures ? ["DerivativesTrade"] : [],
          CopyTrading: [],
          BlockTrade: [],
          Exchange: [],
          NFT: [],
          Affiliate: [],
          Earn: [],
        },
        ips: ["*"],
        type: 1,
        deadlineDay: 90,
        uta: 1,
        userID: uidOf(acct),
        isMaster: true,
      };
    },
  },
];

function uidOf(acct: Account): number {
  const digits = acct.id.replace(/\D/g, "");
  return 100_000 + Number(digits || "0");
}
