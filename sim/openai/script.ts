import * as z from "zod";

/**
 * The AI simulator's state: API keys per provider and queues of scripted answers. A queue belongs to one key when
 * the script names it (so parallel test files never take each other's answers), otherwise to every key.
 */

export const AiProviderName = z.enum(["openai", "groq"]);
export type AiProviderName = z.infer<typeof AiProviderName>;

export const ScriptStep = z.union([
  z.strictObject({ decision: z.record(z.string(), z.unknown()), delayMs: z.number().int().min(0).optional() }),
  /** Raw output text, to test answers that are not JSON or not the schema. */
  z.strictObject({ text: z.string(), delayMs: z.number().int().min(0).optional() }),
  z.strictObject({
    fault: z.strictObject({
      status: z.number().int().min(400).max(599),
      retryAfter: z.number().min(0).optional(),
      message: z.string().optional(),
    }),
  }),
  /** A 3xx to the same URL: a client that follows it asks again and gets the next step. */
  z.strictObject({
    redirect: z.strictObject({
      status: z.union([z.literal(301), z.literal(302), z.literal(303), z.literal(307), z.literal(308)]),
    }),
  }),
  /** Answer only after the delay (a default decision), to force the caller's timeout. */
  z.strictObject({ delayMs: z.number().int().min(0) }),
  /** A Response with status "incomplete" (max_output_tokens). */
  z.strictObject({ incomplete: z.literal(true) }),
]);
export type ScriptStep = z.infer<typeof ScriptStep>;

export const ScriptBody = z.strictObject({
  apiKey: z.string().min(1).optional(),
  steps: z.array(ScriptStep).min(1),
});

export const KeyBody = z.strictObject({ provider: AiProviderName, apiKey: z.string().min(8).max(200).optional() });

/** `host`: the Host the request was sent to, so a test can tell a key's own base URL from the default one. */
export type RequestLog = { provider: AiProviderName; path: string; host: string; apiKey: string; body: unknown };

export class AiScript {
  readonly keys = new Map<string, AiProviderName>();
  private readonly queues = new Map<string, ScriptStep[]>();
  /** Recent requests (without keys in bodies: keys only travel in headers), newest last, for assertions. */
  readonly requests: RequestLog[] = [];

  addKey(provider: AiProviderName, apiKey?: string): string {
    const key = apiKey ?? `${provider === "openai" ? "sk-sim-" : "gsk_sim_"}${crypto.randomUUID().replaceAll("-", "")}`;
    this.keys.set(key, provider);
    return key;
  }

  enqueue(apiKey: string | undefined, steps: ScriptStep[]): number {
    const queue = this.queues.get(apiKey ?? "*") ?? [];
    queue.push(...steps);
    this.queues.set(apiKey ?? "*", queue);
    return queue.length;
  }

  next(apiKey: string): ScriptStep | undefined {
    return this.queues.get(apiKey)?.shift() ?? this.queues.get("*")?.shift();
  }

  record(entry: RequestLog): void {
    this.requests.push(entry);
    if (this.requests.length > 200) this.requests.shift();
  }

  clear(apiKey?: string): void {
    if (apiKey) this.queues.delete(apiKey);
    else this.queues.clear();
  }
}
