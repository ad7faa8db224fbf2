import type { Hook } from "@hono/zod-openapi";
import * as z from "zod";
import { ApiError } from "./api-error.ts";
import type { AppEnv } from "./context.ts";
import { errorResponse } from "./error-envelope.ts";
import { plainIssueMessage, validationIssue } from "./issue-messages.ts";

// Plain English wherever a schema gives no message of its own, for every parse in the Worker (routes and services).
z.config({ customError: plainIssueMessage });

/** Turns a zod failure into the error envelope: one readable sentence plus the issues as details. */
export const validationHook: Hook<unknown, AppEnv, string, unknown> = (result, c) => {
  if (result.success) return;
  const error = result.error as z.ZodError;
  const issues = error.issues.map((issue) => validationIssue(result.target, issue));
  const message = issues.map((i) => `${i.path}: ${i.message}`).join("; ");
  return errorResponse(c, new ApiError("validation_failed", message, { details: { issues } }));
};
