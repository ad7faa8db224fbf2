import { z } from "@hono/zod-openapi";
import { ExchangeEnvironment, Venue } from "./exchanges.ts";

// Venue enums live with the other exchange shapes; re-exported here for the key API's users.
export { ExchangeEnvironment, Venue } from "./exchanges.ts";

export const AiProvider = z.enum(["openai", "groq"]).openapi("AiProvider");
export type AiProvider = z.infer<typeof AiProvider>;

export const KeyStatus = z
  .enum(["verified", "unverified"])
  .openapi("KeyStatus", { description: "Unverified keys are stored but never used for trading" });

const masked = z.string().openapi({ description: "Only the last 4 characters", example: "••••7f3a" });

export const ExchangeKeyPermissions = z
  .object({ canTrade: z.boolean(), canWithdraw: z.boolean(), spot: z.boolean(), futures: z.boolean() })
  .openapi("ExchangeKeyPermissions");

export const ExchangeKey = z
  .object({
    id: z.string(),
    venue: Venue,
    environment: ExchangeEnvironment,
    baseUrl: z.string().nullable(),
    label: z.string(),
    apiKey: masked,
    apiSecret: masked,
    status: KeyStatus,
    permissions: ExchangeKeyPermissions.nullable(),
    verifiedAt: z.iso.datetime().nullable(),
    verificationNote: z.string().nullable().openapi({ description: "Why the key is unverified, when it is" }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi("ExchangeKey");
export type ExchangeKey = z.infer<typeof ExchangeKey>;

export const ExchangeKeyList = z.object({ keys: z.array(ExchangeKey) }).openapi("ExchangeKeyList");

const credential = (name: string) => z.string().trim().min(8).max(256).openapi({ description: name });

export const CreateExchangeKey = z
  .object({
    venue: Venue,
    environment: ExchangeEnvironment,
    baseUrl: z.url().max(200).optional(),
    label: z.string().trim().min(1).max(64),
    apiKey: credential("API key"),
    apiSecret: credential("API secret"),
  })
  .openapi("CreateExchangeKey");
export type CreateExchangeKey = z.infer<typeof CreateExchangeKey>;

export const ReplaceExchangeKey = z
  .object({
    environment: ExchangeEnvironment,
    baseUrl: z.url().max(200).optional(),
    label: z.string().trim().min(1).max(64),
    apiKey: credential("API key"),
    apiSecret: credential("API secret"),
  })
  .openapi("ReplaceExchangeKey");
export type ReplaceExchangeKey = z.infer<typeof ReplaceExchangeKey>;

export const AiKey = z
  .object({
    provider: AiProvider,
    apiKey: masked,
    status: KeyStatus,
    verifiedAt: z.iso.datetime().nullable(),
    verificationNote: z.string().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi("AiKey");
export type AiKey = z.infer<typeof AiKey>;

export const AiKeyList = z.object({ keys: z.array(AiKey) }).openapi("AiKeyList");

export const SetAiKey = z.object({ apiKey: credential("AI provider API key") }).openapi("SetAiKey");

export const AiProviderParam = z.object({
  provider: AiProvider.openapi({ param: { name: "provider", in: "path" } }),
});

export const Deleted = z.object({ deleted: z.literal(true) }).openapi("Deleted");
