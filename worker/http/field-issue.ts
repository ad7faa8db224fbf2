import type { IssueRule } from "../../shared/api/error.ts";
import { ApiError } from "./api-error.ts";

/**
 * A 400 (or another code, e.g. a `conflict`) about one field, shaped like zod's issues: the path, `code: custom`,
 * the rule's stable name and its values, so a form words it in the reader's language next to that field. The
 * envelope's message is `summary`, or the path and the message.
 */
export function fieldIssue(
  path: string,
  rule: IssueRule,
  message: string,
  options: { params?: Record<string, string | number>; code?: "validation_failed" | "conflict"; summary?: string } = {},
): ApiError {
  const issue = { path, code: "custom", message, rule, ...(options.params ? { params: options.params } : {}) };
  const text = options.summary ?? `${path}: ${message}`;
  return new ApiError(options.code ?? "validation_failed", text, { details: { issues: [issue] } });
}
