import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ErrorBody } from "../../shared/api/error.ts";
import { ApiError } from "./api-error.ts";
import type { AppEnv } from "./context.ts";

export function errorResponse(c: Context<AppEnv>, err: ApiError): Response {
  const body: ErrorBody = {
    error: {
      code: err.code,
      message: err.message,
      ...(err.details === undefined ? {} : { details: err.details }),
      requestId: c.get("requestId"),
    },
  };
  for (const [name, value] of Object.entries(err.headers)) c.header(name, value);
  return c.json(body, err.status as ContentfulStatusCode);
}

/** Unexpected failures are logged with the request id; the client sees only the code and that id. */
export function onError(err: Error, c: Context<AppEnv>): Response {
  if (err instanceof ApiError) return errorResponse(c, err);
  if (isMalformedJson(err))
    return errorResponse(c, new ApiError("validation_failed", "The request body is not valid JSON."));
  c.get("log")?.error("unhandled error", { error: err.name, message: err.message, stack: err.stack });
  return errorResponse(
    c,
    new ApiError("internal_error", "Something went wrong on our side. Quote the request id when reporting it."),
  );
}

export function onNotFound(c: Context<AppEnv>): Response {
  return errorResponse(c, new ApiError("not_found", `No route for ${c.req.method} ${new URL(c.req.url).pathname}.`));
}

function isMalformedJson(err: Error): boolean {
  // Hono's JSON validator throws an HTTPException(400) for bodies that do not parse.
  return "status" in err && (err as { status: number }).status === 400 && /JSON/i.test(err.message);
}
