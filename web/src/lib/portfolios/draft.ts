import type {
  CashToken,
  CreatePortfolio,
  DecisionSource,
  Portfolio,
  PortfolioMarket,
  PortfolioRiskLimits,
  PortfolioToken,
  ReasoningEffort,
  ReviewInterval,
  UpdatePortfolio,
} from "#lib/api/client.ts";
import { DEFAULT_PAPER_CAPITAL, type DecisionProvider, FUTURES_CASH } from "./options.ts";

/**
 * What the portfolio form edits: the API's settings with every typed number kept as the text the trader entered,
 * so nothing is rounded or rejected before the API has had its say.
 */
export type TokenDraft = {
  /** Keys the row in the list; never sent. */
  row: number;
  token: string;
  minAllocation: string;
  targetAllocation: string;
  maxAllocation: string;
};

export type RiskDraft = Record<keyof PortfolioRiskLimits, string>;

export type PortfolioDraft = {
  name: string;
  exchangeKeyId: string;
  market: PortfolioMarket;
  cashToken: CashToken;
  tokens: TokenDraft[];
  reviewInterval: ReviewInterval;
  provider: DecisionProvider;
  model: string;
  /** "" is the model's default. */
  reasoningEffort: ReasoningEffort | "";
  webSearch: boolean;
  /** An administrator's shared key; "" is the owner's own key. */
  sharedKeyId: string;
  /** USD per month; "" is no cap. */
  spendCap: string;
  instructions: string;
  manualApproval: boolean;
  paper: boolean;
  paperCapital: string;
  positionMode: "one_way" | "hedge";
  marginMode: "cross" | "isolated";
  maxLeverage: string;
  risk: RiskDraft;
};

/** The settings both create and update carry. */
export type PortfolioSettings = Required<UpdatePortfolio>;

let nextRow = 0;

/**
 * A token row; a new one has no minimum typed (empty is 0, shown as the placeholder): a prefilled "0" joined what the
 * trader typed in front of it ("15" became "150").
 */
export function tokenRow(token: Partial<Omit<TokenDraft, "row">> = {}): TokenDraft {
  nextRow += 1;
  return { row: nextRow, token: "", minAllocation: "", targetAllocation: "", maxAllocation: "", ...token };
}

export function newDraft(exchangeKeyId: string): PortfolioDraft {
  return {
    name: "",
    exchangeKeyId,
    market: "spot",
    cashToken: "USDT",
    tokens: [tokenRow()],
    reviewInterval: "1h",
    provider: "builtin",
    model: "",
    reasoningEffort: "",
    webSearch: false,
    sharedKeyId: "",
    spendCap: "",
    instructions: "",
    manualApproval: false,
    paper: true,
    paperCapital: DEFAULT_PAPER_CAPITAL,
    positionMode: "one_way",
    marginMode: "cross",
    maxLeverage: "3",
    risk: { maxOrderPct: "", maxExposurePct: "", maxDailyLossPct: "", maxDrawdownPct: "" },
  };
}

const text = (value: number | string | null) => (value === null ? "" : String(value));

export function draftOf(portfolio: Portfolio): PortfolioDraft {
  const source = portfolio.decisionSource;
  return {
    name: portfolio.name,
    exchangeKeyId: portfolio.exchangeKeyId,
    market: portfolio.market,
    cashToken: portfolio.cashToken,
    tokens: portfolio.tokens.map((t) =>
      tokenRow({
        token: t.token,
        minAllocation: text(t.minAllocation),
        targetAllocation: text(t.targetAllocation),
        maxAllocation: text(t.maxAllocation),
      }),
    ),
    reviewInterval: portfolio.reviewInterval,
    provider: source.provider,
    model: source.provider === "builtin" ? "" : source.model,
    reasoningEffort: source.provider === "builtin" ? "" : (source.reasoningEffort ?? ""),
    webSearch: source.provider === "builtin" ? false : source.webSearch,
    sharedKeyId: source.provider === "builtin" ? "" : (source.sharedKeyId ?? ""),
    spendCap: source.provider === "builtin" ? "" : text(source.monthlySpendCapUsd),
    instructions: portfolio.instructions,
    manualApproval: portfolio.executionMode === "manual_approval",
    paper: portfolio.paper,
    paperCapital: text(portfolio.paperCapital),
    positionMode: portfolio.futures?.positionMode ?? "one_way",
    marginMode: portfolio.futures?.marginMode ?? "cross",
    maxLeverage: text(portfolio.futures?.maxLeverage ?? 3),
    risk: {
      maxOrderPct: text(portfolio.risk.maxOrderPct),
      maxExposurePct: text(portfolio.risk.maxExposurePct),
      maxDailyLossPct: text(portfolio.risk.maxDailyLossPct),
      maxDrawdownPct: text(portfolio.risk.maxDrawdownPct),
    },
  };
}

/** A typed number: "" is null; a comma counts as the decimal point; anything else is left for the API to refuse. */
export function numberOf(input: string): number | null {
  const trimmed = input.trim().replace(",", ".");
  return trimmed === "" ? null : Number(trimmed);
}

/** A decimal string (money, percentages): "" is null, otherwise the text as typed. */
export function decimalOf(input: string): string | null {
  const trimmed = input.trim().replace(",", ".");
  return trimmed === "" ? null : trimmed;
}

/** Number fields whose text is not a number at all, keyed by their API path: caught before sending. */
export function unreadableNumbers(draft: PortfolioDraft): Record<string, true> {
  const bad: Record<string, true> = {};
  const check = (path: string, input: string) => {
    const value = numberOf(input);
    if (value !== null && !Number.isFinite(value)) bad[path] = true;
  };
  draft.tokens.forEach((t, i) => {
    check(`tokens.${i}.minAllocation`, t.minAllocation);
    check(`tokens.${i}.targetAllocation`, t.targetAllocation);
    check(`tokens.${i}.maxAllocation`, t.maxAllocation);
  });
  if (draft.market === "futures") check("futures.maxLeverage", draft.maxLeverage);
  return bad;
}

function tokensOf(draft: PortfolioDraft): PortfolioToken[] {
  return draft.tokens.map((t) => ({
    token: t.token.trim().toUpperCase(),
    // An empty floor is no floor.
    minAllocation: numberOf(t.minAllocation) ?? 0,
    targetAllocation: numberOf(t.targetAllocation),
    maxAllocation: numberOf(t.maxAllocation),
  }));
}

function decisionSourceOf(draft: PortfolioDraft): DecisionSource {
  if (draft.provider === "builtin") return { provider: "builtin" };
  return {
    provider: draft.provider,
    model: draft.model.trim(),
    reasoningEffort: draft.reasoningEffort === "" ? null : draft.reasoningEffort,
    webSearch: draft.webSearch,
    sharedKeyId: draft.sharedKeyId === "" ? null : draft.sharedKeyId,
    monthlySpendCapUsd: decimalOf(draft.spendCap),
  };
}

/** The settings as the API takes them; a spot portfolio has no futures settings. */
export function settingsOf(draft: PortfolioDraft): PortfolioSettings {
  const futures = draft.market === "futures";
  return {
    name: draft.name.trim(),
    cashToken: futures ? FUTURES_CASH : draft.cashToken,
    tokens: tokensOf(draft),
    reviewInterval: draft.reviewInterval,
    decisionSource: decisionSourceOf(draft),
    instructions: draft.instructions,
    executionMode: draft.manualApproval ? "manual_approval" : "automatic",
    paper: draft.paper,
    paperCapital: draft.paper ? decimalOf(draft.paperCapital) : null,
    futures: futures
      ? {
          positionMode: draft.positionMode,
          marginMode: draft.marginMode,
          maxLeverage: numberOf(draft.maxLeverage) ?? 0,
        }
      : null,
    risk: {
      maxOrderPct: decimalOf(draft.risk.maxOrderPct),
      maxExposurePct: decimalOf(draft.risk.maxExposurePct),
      maxDailyLossPct: decimalOf(draft.risk.maxDailyLossPct),
      maxDrawdownPct: decimalOf(draft.risk.maxDrawdownPct),
    },
  };
}

export function createBody(draft: PortfolioDraft): CreatePortfolio {
  return { ...settingsOf(draft), exchangeKeyId: draft.exchangeKeyId, market: draft.market };
}

/**
 * Only the settings that differ from the saved portfolio (PATCH replaces `risk` and `futures` whole). Both sides go
 * through the same conversion, so a value shown and saved unchanged never counts as a change.
 */
export function changedSettings(saved: Portfolio, draft: PortfolioDraft): UpdatePortfolio {
  const before = settingsOf(draftOf(saved));
  const after = settingsOf(draft);
  const changed: UpdatePortfolio = {};
  for (const key of Object.keys(after) as (keyof PortfolioSettings)[]) {
    if (JSON.stringify(after[key]) !== JSON.stringify(before[key])) Object.assign(changed, { [key]: after[key] });
  }
  return changed;
}
