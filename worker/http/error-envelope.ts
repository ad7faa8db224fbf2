import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ErrorBody, ErrorCode } from "../../shared/api/error.ts";
import { ApiError } from "./api-error.ts";
import type { AppEnv } from "./context.ts";
import { redactedError } from "./redacted-error.ts";

export function errorResponse(c: Context<AppEnv>, err: ApiError): Response {
  const body: ErrorBody = {
    error: {
      code: err.code,
      message: err.message,
      ...(err.details === undefined ? {} : { details: err.details as NonNullable<ErrorBody["error"]["details"]> }),
      requestId: c.get("requestId"),
    },
  };
  for (const [name, value] of Object.entries(err.headers)) c.header(name, value);
  return c.json(body, err.status as ContentfulStatusCode);
}

/** Unexpected failures are logged with the request id; the client sees only the code and that id. */
export function onError(err: Error, c: Context<AppEnv>): Response {
  if (err instanceof ApiError) return errorResponse(c, err);
  const refusal = err instanceof HTTPException ? requestRefusal(err, c) : null;
  if (refusal) return errorResponse(c, refusal);
  const { name, message, stack } = redactedError(err);
  c.get("log")?.error("unhandled error", { error: name, message, stack });
  return errorResponse(
    c,
    new ApiError("internal_error", "Something went wrong on our side. Quote the request id when reporting it."),
  );
}

export function onNotFound(c: Context<AppEnv>): Response {
  return errorResponse(c, new ApiError("not_found", `No route for ${c.req.method} ${new URL(c.req.url).pathname}.`));
}

/**
 * Hono's own middleware and validators refuse a request by throwing an HTTPException (a body that is not JSON, a
 * media type the route does not take, a body over the limit). Each is the caller's mistake: answered in the envelope
 * with its 4xx status and a sentence that says what to send instead.
 */
function requestRefusal(err: HTTPException, c: Context<AppEnv>): ApiError | null {
  const contentType = c.req.header("content-type")?.slice(0, 100);
  const refusals: Partial<Record<number, [ErrorCode, string]>> = {
    400: ["validation_failed", /JSON/i.test(err.message) ? "The request body is not valid JSON." : err.message],
    405: ["method_not_allowed", `${c.req.method} is not allowed here.`],
    413: ["payload_too_large", "The request body is too large."],
    415: [
      "unsupported_media_type",
      `Send the body as JSON with \`Content-Type: application/json\` (got ${contentType ? `\`${contentType}\`` : "no Content-Type"}).`,
    ],
  };
  const refusal = refusals[err.status];
  if (refusal) return new ApiError(refusal[0], refusal[1]);
  if (err.status >= 400 && err.status < 500) return new ApiError("bad_request", err.message, { status: err.status });
  return null;
}
