// Decisions a test scripts into the simulated AI provider, in the shape the decision schemas take. Plain data with no
// runtime imports, shared by the worker tests (workerd) and the browser tests (Node).

export const OPENAI = { provider: "openai", model: "gpt-5-mini" } as const;

export function spotBuy(pair: string, quantity: string, referencePrice: string, limitPrice: string | null = null) {
  return {
    pair,
    side: "buy",
    quantity,
    quantityAsset: pair.replace(/USD[TC]$/, ""),
    limitPrice,
    referencePrice,
    maxDriftPct: 2,
  };
}

export function spotSell(pair: string, quantity: string, referencePrice: string, limitPrice: string | null = null) {
  return { ...spotBuy(pair, quantity, referencePrice, limitPrice), side: "sell" };
}

export function spotPlan(orders: unknown[], summary = "Scripted spot decision.") {
  return { orders, summary, strategy: "scripted", rationale: "Scripted by the test." };
}

export function futuresPlan(actions: unknown[], summary = "Scripted futures decision.") {
  return { actions, summary, strategy: "scripted", rationale: "Scripted by the test." };
}

/** A futures action with every optional field null; `fields` names the action, symbol, side and what it sets. */
export function futuresAction(fields: Record<string, unknown>) {
  return {
    quantity: null,
    notional: null,
    orderType: "MARKET",
    limitPrice: null,
    leverage: null,
    stopLoss: null,
    takeProfit: null,
    ...fields,
  };
}
