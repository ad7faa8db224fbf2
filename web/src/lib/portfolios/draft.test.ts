import { describe, expect, it } from "vitest";
import type { Portfolio } from "#lib/api/client.ts";
import { changedSettings, createBody, draftOf, newDraft, tokenRow, unreadableNumbers } from "./draft.ts";

const saved: Portfolio = {
  id: "p1",
  exchangeKeyId: "k1",
  venue: "binance",
  market: "futures",
  name: "Majors",
  cashToken: "USDT",
  tokens: [{ token: "BTC", minAllocation: 10, targetAllocation: 25.5, maxAllocation: null }],
  reviewInterval: "4h",
  decisionSource: {
    provider: "openai",
    model: "gpt-5-mini",
    reasoningEffort: "low",
    webSearch: true,
    sharedKeyId: null,
    monthlySpendCapUsd: "12.5",
  },
  instructions: "Be patient.",
  executionMode: "manual_approval",
  paper: false,
  paperCapital: null,
  futures: { positionMode: "one_way", marginMode: "isolated", maxLeverage: 5 },
  risk: { maxOrderPct: "5", maxExposurePct: "200", maxDailyLossPct: null, maxDrawdownPct: "20" },
  status: "draft",
  statusReason: null,
  statusReasonCode: null,
  statusReasonMessage: null,
  clientOrderIdPrefix: "pp1-",
  startingEquity: null,
  startedAt: null,
  performance: null,
  nextRunAt: null,
  lastRunAt: null,
  failedRunsInARow: 0,
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
};

describe("portfolio drafts", () => {
  it("builds a create body with numbers, nulls for empty fields and no futures settings on spot", () => {
    const draft = newDraft("k1");
    draft.name = "  Core ";
    draft.tokens = [tokenRow({ token: " sol ", minAllocation: "10,5", targetAllocation: "", maxAllocation: "40" })];
    draft.risk.maxOrderPct = " 2.5 ";
    const body = createBody(draft);
    expect(body).toMatchObject({
      name: "Core",
      exchangeKeyId: "k1",
      market: "spot",
      cashToken: "USDT",
      tokens: [{ token: "SOL", minAllocation: 10.5, targetAllocation: null, maxAllocation: 40 }],
      decisionSource: { provider: "builtin" },
      executionMode: "automatic",
      paper: true,
      paperCapital: "10000",
      futures: null,
      risk: { maxOrderPct: "2.5", maxExposurePct: null, maxDailyLossPct: null, maxDrawdownPct: null },
    });
  });

  it("keeps futures portfolios in USDT with their futures settings", () => {
    const draft = newDraft("k1");
    draft.market = "futures";
    draft.cashToken = "USDC";
    draft.maxLeverage = "10";
    draft.paper = false;
    expect(createBody(draft)).toMatchObject({
      cashToken: "USDT",
      paperCapital: null,
      futures: { positionMode: "one_way", marginMode: "cross", maxLeverage: 10 },
    });
  });

  it("patches only what changed", () => {
    const draft = draftOf(saved);
    expect(changedSettings(saved, draft)).toEqual({});
    draft.name = "Majors 2";
    draft.maxLeverage = "3";
    const token = draft.tokens[0];
    if (token) token.targetAllocation = "30";
    expect(changedSettings(saved, draft)).toEqual({
      name: "Majors 2",
      tokens: [{ token: "BTC", minAllocation: 10, targetAllocation: 30, maxAllocation: null }],
      futures: { positionMode: "one_way", marginMode: "isolated", maxLeverage: 3 },
    });
  });

  it("round-trips the AI options and sends a changed effort, web search and cap as the whole decision source", () => {
    const draft = draftOf(saved);
    expect(draft).toMatchObject({ reasoningEffort: "low", webSearch: true, spendCap: "12.5" });
    draft.reasoningEffort = "";
    draft.webSearch = false;
    draft.spendCap = " 3,5 ";
    expect(changedSettings(saved, draft)).toEqual({
      decisionSource: {
        provider: "openai",
        model: "gpt-5-mini",
        reasoningEffort: null,
        webSearch: false,
        sharedKeyId: null,
        monthlySpendCapUsd: "3.5",
      },
    });
  });

  it("finds number fields that are not numbers", () => {
    const draft = newDraft("k1");
    draft.tokens = [tokenRow({ minAllocation: "ten", targetAllocation: "5" })];
    expect(unreadableNumbers(draft)).toEqual({ "tokens.0.minAllocation": true });
  });
});
