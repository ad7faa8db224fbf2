import type { ReplayRequest, ReplaySource } from "#lib/api/client.ts";

/** The "What if…" form as typed: text fields, empty for "keep the portfolio's own". */
export type ReplayForm = {
  source: ReplaySource;
  maxOrderPct: string;
  maxExposurePct: string;
  maxLeverage: string;
  instructions: string;
};

export const emptyReplayForm = (): ReplayForm => ({
  source: "recorded",
  maxOrderPct: "",
  maxExposurePct: "",
  maxLeverage: "",
  instructions: "",
});

/**
 * The replay request from the form: only what the owner filled in (the worker keeps the portfolio's own for the rest
 * and checks every bound); futures-only limits are left out for a spot review.
 */
export function replayRequest(form: ReplayForm, kind: "spot" | "futures"): ReplayRequest {
  const request: ReplayRequest = { source: form.source };
  const orderPct = form.maxOrderPct.trim();
  if (orderPct) request.maxOrderPct = orderPct;
  if (kind === "futures") {
    const exposurePct = form.maxExposurePct.trim();
    if (exposurePct) request.maxExposurePct = exposurePct;
    const leverage = form.maxLeverage.trim();
    // Not a whole number is sent as typed, so the worker's validation names the field.
    if (leverage) request.maxLeverage = /^\d+$/.test(leverage) ? Number(leverage) : (leverage as unknown as number);
  }
  if (form.instructions.trim()) request.instructions = form.instructions;
  return request;
}
