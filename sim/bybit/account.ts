import { type Account, SimError, type SimExchange } from "../engine/types.ts";
import { RET } from "./codes.ts";
import { account, type Endpoint, page, paramsError, parseBody, RetFailure, str } from "./endpoint.ts";
import { SetMarginMode } from "./requests.ts";
import { walletView } from "./views.ts";

/** The unified wallet, its account-wide margin mode, its transaction log, and the API key's own permissions. */

const SEVEN_DAYS_MS = 7 * 24 * 3_600_000;

export const accountEndpoints: Endpoint[] = [
  {
    method: "GET",
    path: "/v5/account/transaction-log",
    auth: () => "read",
    // Only funding settlements are logged here (type SETTLEMENT); other types answer an empty list.
    handle(call) {
      const p = call.params;
      if (p.accountType !== undefined && p.accountType !== "UNIFIED") throw paramsError("accountType invalid");
      const start = str(p.startTime) ? Number(p.startTime) : undefined;
      const end = str(p.endTime) ? Number(p.endTime) : undefined;
      if (start !== undefined && end !== undefined && end - start > SEVEN_DAYS_MS) {
        throw paramsError("endTime - startTime must not exceed 7 days");
      }
      const from = start ?? (end ?? call.serverTime) - SEVEN_DAYS_MS;
      const to = end ?? from + SEVEN_DAYS_MS;
      const wanted = (p.category === undefined || p.category === "linear") && (!p.type || p.type === "SETTLEMENT");
      const symbol = str(p.symbol);
      const rows = wanted
        ? call.exchange
            .fundingPayments(account(call), from)
            .filter((f) => f.time <= to && (!symbol || f.symbol === symbol) && (!p.currency || p.currency === "USDT"))
            .reverse()
            .map((f) => ({
              id: `funding-${f.id}`,
              symbol: f.symbol,
              category: "linear",
              side: f.size.startsWith("-") ? "Sell" : "Buy",
              transactionTime: String(f.time),
              type: "SETTLEMENT",
              transSubType: "",
              qty: f.size.replace("-", ""),
              size: f.size,
              currency: "USDT",
              tradePrice: f.markPrice,
              funding: f.amount,
              fee: "0",
              cashFlow: "0",
              change: f.amount,
              cashBalance: "",
              feeRate: f.rate,
              bonusChange: "",
              tradeId: "",
              orderId: "",
              orderLinkId: "",
            }))
        : [];
      return page(rows, p, 20, 50);
    },
  },
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
    path: "/v5/account/info",
    auth: () => "read",
    handle(call) {
      return {
        // 5: unified trading account 2.0 (acct-mode.mdx), which every simulated Bybit account is.
        unifiedMarginStatus: 5,
        marginMode: marginModeOf(call.exchange, account(call)),
        isMasterTrader: false,
        spotHedgingStatus: "OFF",
        updatedTime: String(call.serverTime),
        dcpStatus: "OFF",
        timeWindow: 0,
        smpGroup: 0,
      };
    },
  },
  {
    method: "POST",
    path: "/v5/account/set-margin-mode",
    auth: () => "futures",
    handle(call) {
      const { setMarginMode } = parseBody(SetMarginMode, call.params);
      if (setMarginMode === "PORTFOLIO_MARGIN") throw marginModeRefused("Portfolio margin is not simulated.");
      try {
        call.exchange.setAccountMarginMode(account(call), setMarginMode === "ISOLATED_MARGIN" ? "isolated" : "cross");
      } catch (error) {
        if (error instanceof SimError) throw marginModeRefused(error.message);
        throw error;
      }
      return { reasons: [] };
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

/** Unified accounts have one margin mode for every linear position. */
function marginModeOf(exchange: SimExchange, acct: Account): "ISOLATED_MARGIN" | "REGULAR_MARGIN" {
  const linear = exchange.instruments("linear");
  const isolated = linear.length > 0 && linear.every((i) => acct.marginMode.get(i.symbol) === "isolated");
  return isolated ? "ISOLATED_MARGIN" : "REGULAR_MARGIN";
}

/** set-margin-mode.mdx: a refusal is retCode 3400045 with the reasons in `result`. */
function marginModeRefused(reason: string): RetFailure {
  return new RetFailure({ retCode: RET.setMarginModeFailed, retMsg: "Set margin mode failed" }, 200, {
    reasons: [{ reasonCode: String(RET.setMarginModeFailed), reasonMsg: reason }],
  });
}

function uidOf(acct: Account): number {
  const digits = acct.id.replace(/\D/g, "");
  return 100_000 + Number(digits || "0");
}
