/**
 * An unexpected error as it may be logged or stored: drizzle's "Failed query" errors carry the query's parameters
 * (emails, token hashes, sealed key material), so those are cut out of the message and the stack.
 */
export function redactedError(error: unknown): { name: string; message: string; stack?: string } {
  if (!(error instanceof Error)) return { name: "Error", message: String(error) };
  const redact = (text: string) => text.replaceAll(/\nparams: [^\n]*/g, "\nparams: [redacted]");
  const cause = error.cause instanceof Error ? ` (cause: ${redact(error.cause.message)})` : "";
  return {
    name: error.name,
    message: `${redact(error.message)}${cause}`,
    ...(error.stack ? { stack: redact(error.stack) } : {}),
  };
}
