import type { ValidationIssue } from "#lib/api/client.ts";
import type { MessageKey } from "#lib/i18n/en.ts";
import { formatNumber } from "#lib/i18n/format.ts";
import { type Locale, translate } from "#lib/i18n/translate.ts";
import { type FieldFormat, fieldLabel } from "./field-labels.ts";

/**
 * An API issue (or a check of the form's own) in the reader's language, naming the field by the label the form
 * shows: "Target %: must be at least the minimum (20%)". Worded from the issue's code, rule and bounds, never from
 * its English message, so no schema text reaches the page; what is not known here reads "check this value".
 */

type Params = Record<string, string | number | boolean>;
type Issue = Pick<ValidationIssue, "code" | "rule" | "params"> & { path: string };

/** Each rule of the API (`ISSUE_RULES` in shared/api/error.ts) and of the forms, by name. */
export const RULE_MESSAGES = {
  target_below_min: "issue.rule.target_below_min",
  max_below_target: "issue.rule.max_below_target",
  amount_not_positive: "issue.rule.amount_not_positive",
  quantity_or_notional: "issue.rule.quantity_or_notional",
  limit_price: "issue.rule.limit_price",
  percent_out_of_range: "issue.rule.percent_out_of_range",
  minimums_over_100: "issue.rule.minimums_over_100",
  targets_over_100: "issue.rule.targets_over_100",
  cash_token_listed: "issue.rule.cash_token_listed",
  token_listed_twice: "issue.rule.token_listed_twice",
  futures_settings_required: "issue.rule.futures_settings_required",
  futures_cash_usdt: "issue.rule.futures_cash_usdt",
  spot_without_futures: "issue.rule.spot_without_futures",
  exposure_over_leverage: "issue.rule.exposure_over_leverage",
  symbol_not_listed: "issue.rule.symbol_not_listed",
  symbol_not_trading: "issue.rule.symbol_not_trading",
  leverage_over_venue: "issue.rule.leverage_over_venue",
  token_in_use: "issue.rule.token_in_use",
  decision_option_unsupported: "issue.rule.decision_option_unsupported",
  base_url_not_allowed: "issue.rule.base_url_not_allowed",
  base_url_private_host: "issue.rule.base_url_private_host",
  base_url_needed: "issue.rule.base_url_needed",
  no_key_to_share: "issue.rule.no_key_to_share",
  unknown_user: "issue.rule.unknown_user",
  own_account: "issue.rule.own_account",
  shared_key_unknown: "issue.rule.shared_key_unknown",
  code_not_valid: "issue.rule.code_not_valid",
  not_a_number: "issue.rule.not_a_number",
} as const satisfies Record<string, MessageKey>;

const FORMAT_MESSAGES: Record<FieldFormat, MessageKey> = {
  token: "issue.format.token",
  symbol: "issue.format.symbol",
  decimal: "issue.format.decimal",
  percent: "issue.format.percent",
  usd: "issue.format.usd",
  amount: "issue.format.amount",
  email: "issue.format.email",
  url: "issue.format.url",
};

const num = (value: unknown) => (typeof value === "number" ? value : Number(value));

function sizeKey(origin: unknown, kind: "Small" | "Big"): MessageKey | null {
  if (origin === "string") return kind === "Small" ? "issue.tooShort" : "issue.tooLong";
  if (origin === "array" || origin === "set") return kind === "Small" ? "issue.tooFew" : "issue.tooMany";
  return null;
}

function wording(issue: Issue, format: FieldFormat | undefined): [MessageKey, Params] {
  const params: Params = issue.params ?? {};
  switch (issue.code) {
    case "invalid_type":
      if (params.missing) return ["issue.required", {}];
      return [params.expected === "int" ? "issue.wholeNumber" : "issue.wrongType", {}];
    case "too_small": {
      if (params.origin === "string" && num(params.minimum) === 1) return ["issue.empty", {}];
      const key = sizeKey(params.origin, "Small");
      if (key) return [key, { count: num(params.minimum) }];
      return [params.inclusive === false ? "issue.moreThan" : "issue.atLeast", { minimum: String(params.minimum) }];
    }
    case "too_big": {
      const key = sizeKey(params.origin, "Big");
      if (key) return [key, { count: num(params.maximum) }];
      return [params.inclusive === false ? "issue.lessThan" : "issue.atMost", { maximum: String(params.maximum) }];
    }
    case "invalid_format": {
      const known = params.format === "email" ? "email" : params.format === "url" ? "url" : format;
      return [known ? FORMAT_MESSAGES[known] : "issue.format", {}];
    }
    case "invalid_value":
      return ["issue.oneOf", { values: String(params.values ?? "") }];
    case "custom": {
      const rule = issue.rule as keyof typeof RULE_MESSAGES | undefined;
      if (rule && rule in RULE_MESSAGES) return [RULE_MESSAGES[rule], params];
      return ["issue.check", {}];
    }
    default:
      return ["issue.check", {}];
  }
}

/** The issue as one sentence in `locale`; `label` replaces the field's usual label (a form with its own wording). */
export function issueMessage(locale: Locale, issue: Issue, label?: string): string {
  const field = fieldLabel(issue.path);
  const name = label ?? (field ? translate(locale, field.label) : translate(locale, "issue.thisField"));
  const [key, params] = wording(issue, field?.format);
  const text = translate(
    locale,
    key,
    Object.fromEntries(Object.entries(params).map(([k, v]) => [k, wordParam(locale, k, v)])),
  );
  return translate(locale, "issue.sentence", { label: name, text });
}

// Bounds and totals in the reader's number format ("1 000,5" in ru); `count` stays a number for the plural rules.
function wordParam(locale: Locale, name: string, value: unknown): string | number {
  if (typeof value === "boolean") return String(value);
  if (name !== "count" && (typeof value === "number" || (typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value))))
    return formatNumber(value, locale);
  return value as string | number;
}
