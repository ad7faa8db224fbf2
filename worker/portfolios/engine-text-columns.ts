import type { EngineText } from "../../shared/api/engine-messages.ts";
import type { RunNote } from "../../shared/api/portfolio-runs.ts";

/**
 * An engine text as the columns that store it: the English, and its code with JSON parameters next to it
 * (shared/api/engine-messages.ts), for orders, runs and portfolios.
 */

export const reasonColumns = (reason: EngineText) => ({
  reason: reason.text,
  reasonCode: reason.message.code,
  reasonParams: JSON.stringify(reason.message.params),
});

export const summaryColumns = (summary: EngineText) => ({
  summary: summary.text,
  summaryCode: summary.message.code,
  summaryParams: JSON.stringify(summary.message.params),
});

export const errorMessageColumns = (error: EngineText) => ({
  errorMessage: error.text,
  errorMessageCode: error.message.code,
  errorMessageParams: JSON.stringify(error.message.params),
});

export const statusReasonColumns = (reason: EngineText) => ({
  statusReason: reason.text,
  statusMessageCode: reason.message.code,
  statusMessageParams: JSON.stringify(reason.message.params),
});

/** A run note with its text and code. */
export const runNote = (kind: RunNote["kind"], symbol: string | null, text: EngineText): RunNote => ({
  kind,
  symbol,
  message: text.text,
  engineMessage: text.message,
});
