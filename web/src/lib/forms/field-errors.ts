/** Validation messages from the error envelope, keyed by form field (`details.issues[].path`). */
export type FieldErrors = Record<string, string>;

type Issue = { path?: unknown; message?: unknown };

/** Request parts the worker puts in front of an issue path (`json.apiKey`, `param.id`). */
const TARGETS = new Set(["json", "form", "query", "param", "header", "cookie"]);

/**
 * Maps `error.details.issues` to `{ field: message }`, the field being the path without its request part
 * (`json.apiKey` → `apiKey`, `json.scopes.0` → `scopes`). The first message per field wins.
 */
export function fieldErrors(error: unknown): FieldErrors {
  const issues = readIssues(error);
  const result: FieldErrors = {};
  for (const issue of issues) {
    if (typeof issue.path !== "string" || typeof issue.message !== "string") continue;
    const field = fieldOf(issue.path);
    if (field && !(field in result)) result[field] = issue.message;
  }
  return result;
}

/**
 * Maps `error.details.issues` to `{ path: message }` with the whole path, for forms with nested fields: the request
 * part goes and brackets become dots, so the worker's `tokens[0].token` and zod's `json.tokens.0.token` both read
 * `tokens.0.token`. The first message per path wins.
 */
export function issueErrors(error: unknown): FieldErrors {
  const result: FieldErrors = {};
  for (const issue of readIssues(error)) {
    if (typeof issue.path !== "string" || typeof issue.message !== "string") continue;
    const path = pathOf(issue.path);
    if (path && !(path in result)) result[path] = issue.message;
  }
  return result;
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
