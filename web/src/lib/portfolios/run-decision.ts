import type { RunDecision } from "#lib/api/client.ts";

/** The decision of a run (typed by the OpenAPI document) as a table: spot orders or futures actions, one row each. */

export const SPOT_COLUMNS = [
  "pair",
  "side",
  "quantity",
  "quantityAsset",
  "limitPrice",
  "referencePrice",
  "maxDriftPct",
] as const;
export const FUTURES_COLUMNS = [
  "symbol",
  "action",
  "side",
  "quantity",
  "notional",
  "orderType",
  "limitPrice",
  "leverage",
  "stopLoss",
  "takeProfit",
] as const;

export type DecisionColumn = (typeof SPOT_COLUMNS)[number] | (typeof FUTURES_COLUMNS)[number];

export type DecisionTable = {
  kind: "spot" | "futures";
  columns: readonly DecisionColumn[];
  /** One row per order (spot) or action (futures), cells as text; null for a field left empty. */
  rows: (string | null)[][];
  summary: string | null;
  strategy: string | null;
  rationale: string | null;
};

const text = (value: string | number | null | undefined): string | null =>
  value === null || value === undefined || value === "" ? null : String(value);

/** Null when the run has no decision (it failed before one). */
export function decisionTable(decision: RunDecision | null): DecisionTable | null {
  if (!decision) return null;
  const plan = {
    summary: text(decision.summary),
    strategy: text(decision.strategy),
    rationale: text(decision.rationale),
  };
  if (decision.kind === "futures")
    return {
      kind: "futures",
      columns: FUTURES_COLUMNS,
      rows: decision.actions.map((action) => FUTURES_COLUMNS.map((column) => text(action[column]))),
      ...plan,
    };
  return {
    kind: "spot",
    columns: SPOT_COLUMNS,
    rows: decision.orders.map((order) => SPOT_COLUMNS.map((column) => text(order[column]))),
    ...plan,
  };
}

/** Whether an AI model decided the run: its summary and rationale are the model's words, shown as it wrote them. */
export function isAiProvider(provider: string | null): boolean {
  return provider === "openai" || provider === "groq";
}
