import type { FieldErrors } from "#lib/forms/field-errors.ts";
import type { PortfolioDraft } from "./draft.ts";

/** Paths of the API's issues that the portfolio form shows next to a field of its own. */
const ALWAYS = new Set([
  "name",
  "exchangeKeyId",
  "market",
  "cashToken",
  "tokens",
  "reviewInterval",
  "decisionSource",
  "decisionSource.provider",
  "instructions",
  "executionMode",
  "paper",
  "risk.maxOrderPct",
  "risk.maxExposurePct",
  "risk.maxDailyLossPct",
  "risk.maxDrawdownPct",
]);
const FUTURES = new Set(["futures", "futures.positionMode", "futures.marginMode", "futures.maxLeverage"]);
const TOKEN_ROW = /^tokens\.(\d+)(?:\.(?:token|minAllocation|targetAllocation|maxAllocation))?$/;

function placed(path: string, draft: PortfolioDraft): boolean {
  if (ALWAYS.has(path)) return true;
  if (FUTURES.has(path)) return draft.market === "futures";
  if (path === "decisionSource.model") return draft.provider !== "builtin";
  if (path === "paperCapital") return draft.paper;
  const row = TOKEN_ROW.exec(path);
  return row !== null && Number(row[1]) < draft.tokens.length;
}

/** The issues no field of the form shows, for the summary at its top. */
export function unplacedIssues(errors: FieldErrors, draft: PortfolioDraft): [path: string, message: string][] {
  return Object.entries(errors).filter(([path]) => !placed(path, draft));
}

/** A token row's own messages: `tokens.N` (the row) and `tokens.N.<field>`, keyed by field ("" for the row). */
export function rowIssues(errors: FieldErrors, index: number): Record<string, string> {
  const prefix = `tokens.${index}`;
  const mine: Record<string, string> = {};
  for (const [path, message] of Object.entries(errors)) {
    if (path === prefix) mine[""] = message;
    else if (path.startsWith(`${prefix}.`)) mine[path.slice(prefix.length + 1)] = message;
  }
  return mine;
}
