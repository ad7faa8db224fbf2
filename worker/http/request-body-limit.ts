import { bodyLimit } from "hono/body-limit";
import { ApiError } from "./api-error.ts";

/** The largest request body the API reads. Its biggest real body (a portfolio with instructions) is a few KiB. */
export const MAX_REQUEST_BODY_BYTES = 64 * 1024;

/** Refuses bodies over the limit with 413 before anything reads them, whether sized up front or streamed. */
export const requestBodyLimit = bodyLimit({
  maxSize: MAX_REQUEST_BODY_BYTES,
  onError: () => {
    throw new ApiError(
      "payload_too_large",
      `The request body is larger than ${MAX_REQUEST_BODY_BYTES / 1024} KiB, the most any route accepts.`,
    );
  },
});
