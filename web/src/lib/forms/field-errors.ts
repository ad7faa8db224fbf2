import type { Locale } from "#lib/i18n/translate.ts";
import { issueMessage } from "./issue-message.ts";

/** Validation messages from the error envelope, keyed by form field (`details.issues[].path`), in the UI language. */
export type FieldErrors = Record<string, string>;

type Issue = { path?: unknown; code?: unknown; rule?: unknown; params?: unknown };

/** Request parts the worker puts in front of an issue path (`json.apiKey`, `param.id`). */
const TARGETS = new Set(["json", "form", "query", "param", "header", "cookie"]);

/**
 * Maps `error.details.issues` to `{ field: message }`, the field being the path without its request part
 * (`json.apiKey` → `apiKey`, `json.scopes.0` → `scopes`), each message worded in `locale` with the field's label
 * (`labels` overrides a label by field). The first message per field wins.
 */
export function fieldErrors(error: unknown, locale: Locale, labels: Record<string, string> = {}): FieldErrors {
  const result: FieldErrors = {};
  for (const issue of readIssues(error)) {
    if (typeof issue.path !== "string") continue;
    const field = fieldOf(issue.path);
    if (field && !(field in result)) result[field] = worded(issue, field, locale, labels[field]);
  }
  return result;
}

/**
 * Maps `error.details.issues` to `{ path: message }` with the whole path, for forms with nested fields: the request
 * part goes and brackets become dots, so the worker's `tokens[0].token` and zod's `json.tokens.0.token` both read
 * `tokens.0.token`. The first message per path wins.
 */
export function issueErrors(error: unknown, locale: Locale): FieldErrors {
  const result: FieldErrors = {};
  for (const issue of readIssues(error)) {
    if (typeof issue.path !== "string") continue;
    const path = pathOf(issue.path);
    if (path && !(path in result)) result[path] = worded(issue, path, locale);
  }
  return result;
}

function worded(issue: Issue, path: string, locale: Locale, label?: string): string {
  const params =
    issue.params && typeof issue.params === "object" ? (issue.params as Record<string, string | number>) : undefined;
  return issueMessage(
    locale,
    {
      path,
      code: typeof issue.code === "string" ? issue.code : "custom",
      rule: typeof issue.rule === "string" ? issue.rule : undefined,
      params,
    },
    label,
  );
}

function pathOf(path: string): string {
  const parts = path
    .replace(/\[(\d+)\]/g, ".$1")
    .split(".")
    .filter(Boolean);
  if (parts[0] && TARGETS.has(parts[0])) parts.shift();
  return parts.join(".");
}

function fieldOf(path: string): string | null {
  const parts = path.split(".").filter(Boolean);
  if (parts[0] && TARGETS.has(parts[0])) parts.shift();
  return parts[0] ?? null;
}

function readIssues(error: unknown): Issue[] {
  if (!error || typeof error !== "object" || !("error" in error)) return [];
  const details = (error as { error?: { details?: unknown } }).error?.details;
  if (!details || typeof details !== "object" || !("issues" in details)) return [];
  const issues = (details as { issues?: unknown }).issues;
  return Array.isArray(issues) ? (issues as Issue[]) : [];
}

/**
 * What a form says at its top after a refusal: the messages of the fields it does not show (`shown` are the ones it
 * does), or, when the answer had no issues at all, `otherwise` (the envelope's message); null when every message
 * already sits next to its field.
 */
export function formSummary(errors: FieldErrors, shown: readonly string[], otherwise: () => string): string | null {
  if (Object.keys(errors).length === 0) return otherwise();
  const rest = Object.entries(errors).filter(([field]) => !shown.includes(field));
  return rest.length > 0 ? rest.map(([, message]) => message).join(" ") : null;
}
