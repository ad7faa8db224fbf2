import { ExchangeEnvironment, MarketBaseUrls, Venue } from "./exchanges.ts";
import * as z from "./zod.ts";

// Venue enums live with the other exchange shapes; re-exported here for the key API's users.
export { ExchangeEnvironment, MarketBaseUrls, Venue } from "./exchanges.ts";

export const AiProvider = z.enum(["openai", "groq"]).openapi("AiProvider");
export type AiProvider = z.infer<typeof AiProvider>;

export const KeyStatus = z
  .enum(["verified", "unverified"])
  .openapi("KeyStatus", { description: "Unverified keys are stored but never used for trading" });

const masked = z.string().openapi({ description: "Only the last 4 characters", example: "••••7f3a" });

export const ExchangeKeyPermissions = z
  .object({
    canTrade: z.boolean(),
    canWithdraw: z.boolean(),
    spot: z.boolean().openapi({ description: "The key trades spot" }),
    futures: z.boolean().openapi({ description: "The key trades USDT perpetuals (`linear`)" }),
  })
  .openapi("ExchangeKeyPermissions");

export const ExchangeKey = z
  .object({
    id: z.string(),
    venue: Venue,
    environment: ExchangeEnvironment,
    baseUrls: MarketBaseUrls.nullable().openapi({ description: "`custom` only: where each market's requests go" }),
    label: z.string(),
    apiKey: masked,
    apiSecret: masked,
    status: KeyStatus,
    permissions: ExchangeKeyPermissions.nullable(),
    verifiedAt: z.iso.datetime().nullable(),
    verificationNote: z
      .string()
      .nullable()
      .openapi({
        description:
          "Why the key is unverified, or, for a verified key, what its environment could not report (demo and testnet " +
          "sites do not serve the venue's key-permission read)",
      }),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi("ExchangeKey");
export type ExchangeKey = z.infer<typeof ExchangeKey>;

export const ExchangeKeyList = z.object({ keys: z.array(ExchangeKey) }).openapi("ExchangeKeyList");

const credential = (name: string) => z.string().trim().min(8).max(256).openapi({ description: name });

const baseUrl = z.url().max(200);

export const CustomBaseUrls = z
  .object({ spot: baseUrl.optional(), linear: baseUrl.optional() })
  .openapi("CustomBaseUrls", {
    description:
      "`custom` Binance keys, instead of `baseUrl`: the spot (`/api`) and USDⓈ-M futures (`/fapi`) base URLs, at " +
      "least one (Binance serves them from different hosts). A key trades only the markets it has a URL for.",
  });

/** `custom` only: one URL for every market, or (Binance) one per market. */
const customBaseUrls = {
  baseUrl: baseUrl.optional().openapi({
    description:
      "`custom` only: one base URL for every market (Bybit, or a Binance stand-in that serves spot and futures paths)",
  }),
  baseUrls: CustomBaseUrls.optional(),
};

export const CreateExchangeKey = z
  .object({
    venue: Venue,
    environment: ExchangeEnvironment,
    ...customBaseUrls,
    label: z.string().trim().min(1).max(64),
    apiKey: credential("API key"),
    apiSecret: credential("API secret"),
  })
  .openapi("CreateExchangeKey");
export type CreateExchangeKey = z.infer<typeof CreateExchangeKey>;

export const ReplaceExchangeKey = z
  .object({
    environment: ExchangeEnvironment,
    ...customBaseUrls,
    label: z.string().trim().min(1).max(64),
    apiKey: credential("API key"),
    apiSecret: credential("API secret"),
  })
  .openapi("ReplaceExchangeKey");
export type ReplaceExchangeKey = z.infer<typeof ReplaceExchangeKey>;

export const AiKey = z
  .object({
    provider: AiProvider,
    baseUrl: z
      .string()
      .nullable()
      .openapi({ description: "Another endpoint speaking the provider's API; null: the provider's own" }),
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

export const SetAiKey = z
  .object({
    apiKey: credential("AI provider API key"),
    baseUrl: baseUrl.optional().openapi({
      description:
        "Any endpoint speaking the provider's API (OpenAI: Responses and /v1/models; Groq: OpenAI-compatible chat " +
        "completions), e.g. a gateway or a self-hosted server: https on the default port, a public host (or one the " +
        "operator lists in EXCHANGE_EXTRA_HOSTS). Left out: the provider's own API.",
      example: "https://llm.example.com",
    }),
  })
  .openapi("SetAiKey");

export const AiProviderParam = z.object({
  provider: AiProvider.openapi({ param: { name: "provider", in: "path" } }),
});

export const Deleted = z.object({ deleted: z.literal(true) }).openapi("Deleted");
