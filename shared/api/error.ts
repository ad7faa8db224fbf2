import * as z from "./zod.ts";

/** Stable, machine-readable error codes every route may answer with. */
export const ErrorCode = z.enum([
  "validation_failed",
  "not_found",
  "unauthorized",
  "forbidden",
  "conflict",
  "limit_reached",
  "rate_limited",
  "payload_too_large",
  "unsupported_media_type",
  "method_not_allowed",
  "internal_error",
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/**
 * Stable names of the rules zod alone cannot say (a field compared with another, a venue's markets, a clash with
 * another portfolio): an issue with `code: "custom"` carries one as `rule`, so a client can word it in any language.
 */
export const ISSUE_RULES = [
  "target_below_min",
  "max_below_target",
  "amount_not_positive",
  "quantity_or_notional",
  "limit_price",
  "percent_out_of_range",
  "minimums_over_100",
  "targets_over_100",
  "cash_token_listed",
  "token_listed_twice",
  "futures_settings_required",
  "futures_cash_usdt",
  "spot_without_futures",
  "exposure_over_leverage",
  "symbol_not_listed",
  "symbol_not_trading",
  "leverage_over_venue",
  "token_in_use",
  "decision_option_unsupported",
  "base_url_not_allowed",
  "base_url_private_host",
  "base_url_needed",
  "no_key_to_share",
  "unknown_user",
  "own_account",
  "shared_key_unknown",
  "code_not_valid",
] as const;
export type IssueRule = (typeof ISSUE_RULES)[number];

/** One problem with one field of a request: what a form needs to show it next to that field, in any language. */
export const ValidationIssue = z
  .object({
    path: z.string().openapi({
      description: "Where: the request part, then the field (`json.tokens.0.targetAllocation`, `query.limit`)",
      example: "json.name",
    }),
    code: z.string().openapi({
      description:
        "zod's issue code (`too_small`, `too_big`, `invalid_type`, `invalid_format`, `invalid_value`, …) or `custom`",
      example: "too_small",
    }),
    message: z.string().openapi({ description: "Plain English, without the path", example: "must not be empty" }),
    rule: z.string().optional().openapi({ description: "With `code: custom`: which rule (see `ISSUE_RULES`)" }),
    params: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
      .optional()
      .openapi({
        description:
          "The bounds and values the message speaks of: `minimum`, `maximum`, `inclusive`, `origin` (string, number, " +
          "array), `expected`, `missing` (the field was not given), `format`, `values`, and a rule's own (`token`, `total`, `symbol`, …)",
      }),
  })
  .openapi("ValidationIssue");
export type ValidationIssue = z.infer<typeof ValidationIssue>;

/** The one error envelope: `{ error: { code, message, details? } }`. */
export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: "validation_failed" }),
      message: z.string().openapi({ example: "query.market: Invalid option" }),
      details: z
        .object({ issues: z.array(ValidationIssue).optional() })
        .catchall(z.unknown())
        .optional()
        .openapi({ description: "With `validation_failed` (and a `conflict` about a field): `issues`" }),
      requestId: z.string().optional(),
    }),
  })
  .openapi("Error");
export type ErrorBody = z.infer<typeof ErrorBody>;
