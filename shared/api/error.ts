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

/** The one error envelope: `{ error: { code, message, details? } }`. */
export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: "validation_failed" }),
      message: z.string().openapi({ example: "query.market: Invalid option" }),
      details: z.unknown().optional(),
      requestId: z.string().optional(),
    }),
  })
  .openapi("Error");
export type ErrorBody = z.infer<typeof ErrorBody>;
