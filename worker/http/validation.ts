import type { Hook } from "@hono/zod-openapi";
import type { ZodError } from "zod";
import { ApiError } from "./api-error.ts";
import type { AppEnv } from "./context.ts";
import { errorResponse } from "./error-envelope.ts";

/** Turns a zod failure into the error envelope: one readable sentence plus the issues as details. */
export const validationHook: Hook<unknown, AppEnv, string, unknown> = (result, c) => {
  if (result.success) return;
  const error = result.error as ZodError;
  const issues = error.issues.map((issue) => ({
    path: [result.target, ...issue.path.map(String)].join("."),
    message: issue.message,
  }));
  const message = issues.map((i) => `${i.path}: ${i.message}`).join("; ");
  return errorResponse(c, new ApiError("validation_failed", message, { details: { issues } }));
};
