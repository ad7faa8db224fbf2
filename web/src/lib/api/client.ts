import createClient from "openapi-fetch";
import type { components, paths } from "./schema";

/** The only way the UI talks to the worker: typed from the OpenAPI document (`npm run api:generate`). */
export const api = createClient<paths>({ baseUrl: globalThis.location?.origin ?? "http://127.0.0.1:8787" });

export type ApiError = components["schemas"]["Error"];
export type Health = components["schemas"]["Health"];

/** A message for people from whatever the call failed with (error envelope, network failure). */
export function describeError(error: unknown): string {
  if (error && typeof error === "object" && "error" in error) {
    const envelope = (error as ApiError).error;
    if (envelope?.message) return envelope.message;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}
