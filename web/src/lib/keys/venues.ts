import type { AiProvider, ExchangeEnvironment, Venue } from "#lib/api/client.ts";

/** Choices the forms offer, in the order they are shown (the API's enums). */
export const VENUES: readonly Venue[] = ["binance", "bybit"];
export const ENVIRONMENTS: readonly ExchangeEnvironment[] = ["live", "testnet", "demo", "custom"];
export const AI_PROVIDERS: readonly AiProvider[] = ["openai", "groq"];
