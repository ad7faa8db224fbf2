import type * as z from "zod";
import type { ValidationIssue } from "../../shared/api/error.ts";

/**
 * zod's issues in plain English for API clients ("must not be empty", not "Too small: expected string to have >=1
 * characters"), and in the shape the error envelope documents: the issue's code and bounds travel along, so the web
 * words them in the reader's language next to the field's label. A schema's own message (a regex's "a token symbol
 * such as BTC", a refine's) wins over these.
 */

type RawIssue = z.core.$ZodRawIssue;
type Bound = number | bigint | Date;

/** What a missing field reads; the issue then carries `missing: true` (zod's final issue no longer holds the input). */
const REQUIRED = "is required";

const show = (value: Bound | undefined) => (value instanceof Date ? value.toISOString() : String(value));

const NOUNS: Record<string, [one: string, many: string]> = {
  string: ["character", "characters"],
  array: ["item", "items"],
  set: ["item", "items"],
  file: ["byte", "bytes"],
};

function sized(origin: string, count: Bound | undefined): string | null {
  const noun = NOUNS[origin];
  if (!noun) return null;
  return `${show(count)} ${Number(count) === 1 ? noun[0] : noun[1]}`;
}

function tooSmall(issue: { origin: string; minimum: Bound; inclusive?: boolean }): string {
  if (issue.origin === "string" && Number(issue.minimum) === 1) return "must not be empty";
  if (issue.origin === "array" && Number(issue.minimum) === 1) return "must have at least 1 item";
  const size = sized(issue.origin, issue.minimum);
  if (size) return `must have at least ${size}`;
  return issue.inclusive === false
    ? `must be more than ${show(issue.minimum)}`
    : `must be at least ${show(issue.minimum)}`;
}

function tooBig(issue: { origin: string; maximum: Bound; inclusive?: boolean }): string {
  const size = sized(issue.origin, issue.maximum);
  if (size) return `must have at most ${size}`;
  return issue.inclusive === false
    ? `must be less than ${show(issue.maximum)}`
    : `must be at most ${show(issue.maximum)}`;
}

const TYPES: Record<string, string> = {
  int: "a whole number",
  number: "a number",
  string: "text",
  boolean: "true or false",
  array: "a list",
  object: "an object",
};

const FORMATS: Record<string, string> = {
  email: "an email address",
  url: "a URL such as https://example.com",
  datetime: "an ISO 8601 date and time",
};

/** zod's global error map (`z.config({ customError })`): used only where a schema gives no message of its own. */
export function plainIssueMessage(issue: RawIssue): string | undefined {
  switch (issue.code) {
    case "invalid_type":
      return issue.input === undefined ? REQUIRED : `must be ${TYPES[issue.expected] ?? issue.expected}`;
    case "too_small":
      return tooSmall(issue);
    case "too_big":
      return tooBig(issue);
    case "invalid_format":
      return `must be ${FORMATS[issue.format] ?? "in the expected format"}`;
    case "invalid_value":
      return `must be one of: ${issue.values.map(String).join(", ")}`;
    case "not_multiple_of":
      return `must be a multiple of ${show(issue.divisor as Bound)}`;
    case "unrecognized_keys":
      return `has fields it does not take: ${issue.keys.join(", ")}`;
    case "invalid_union":
    case "invalid_key":
    case "invalid_element":
      return "is not one of the accepted shapes";
    default:
      return undefined;
  }
}

const PARAM_KEYS = ["minimum", "maximum", "inclusive", "origin", "expected", "format", "divisor"] as const;

type Param = string | number | boolean;

function paramOf(value: unknown): Param | undefined {
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  if (typeof value === "bigint") return Number(value);
  if (value instanceof Date) return value.toISOString();
  return undefined;
}

/** One zod issue as the envelope carries it: path with its request part, code, plain message, rule and bounds. */
export function validationIssue(target: string, issue: z.core.$ZodIssue): ValidationIssue {
  const params: Record<string, Param> = {};
  const fields = issue as unknown as Record<string, unknown>;
  for (const key of PARAM_KEYS) {
    const value = paramOf(fields[key]);
    if (value !== undefined) params[key] = value;
  }
  if (issue.code === "invalid_type" && issue.message === REQUIRED) params.missing = true;
  if (issue.code === "invalid_value") params.values = issue.values.map(String).join(", ");
  let rule: string | undefined;
  if (issue.code === "custom") {
    for (const [key, value] of Object.entries(issue.params ?? {})) {
      if (key === "rule" && typeof value === "string") rule = value;
      else if (paramOf(value) !== undefined) params[key] = paramOf(value) as Param;
    }
  }
  return {
    path: [target, ...issue.path.map(String)].join("."),
    code: issue.code,
    message: issue.message,
    ...(rule ? { rule } : {}),
    ...(Object.keys(params).length > 0 ? { params } : {}),
  };
}
