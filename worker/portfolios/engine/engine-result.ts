import { exchangeApiError } from "../../accounts/exchange-error-response.ts";
import { ApiError } from "../../http/api-error.ts";

/**
 * Answers of the portfolio's Durable Object over RPC. Errors cross the RPC boundary as plain data (an ApiError's
 * class and fields would not survive it), and the route side turns them back into the same API error.
 */

export type EngineFailure = {
  code: string;
  message: string;
  status: number;
  details?: unknown;
  headers?: Record<string, string>;
};

export type EngineResult<T> = { ok: true; value: T } | { ok: false; error: EngineFailure };

export async function asResult<T>(work: () => Promise<T>): Promise<EngineResult<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (error) {
    const api = error instanceof ApiError ? error : exchangeApiError(error);
    if (!api) throw error;
    return {
      ok: false,
      error: { code: api.code, message: api.message, status: api.status, details: api.details, headers: api.headers },
    };
  }
}

export function unwrap<T>(result: EngineResult<T>): T {
  if (result.ok) return result.value;
  const { code, message, status, details, headers } = result.error;
  throw new ApiError(code, message, { status, details, headers });
}
