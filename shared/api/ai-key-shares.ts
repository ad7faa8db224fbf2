import { AiProvider } from "./keys.ts";
import { UsdAmount } from "./portfolios.ts";
import * as z from "./zod.ts";

/**
 * An administrator's AI key lent to a user with a monthly budget in USD. The user's portfolios can decide with it
 * (`decisionSource.sharedKeyId`) without ever seeing it; spend is what its decisions cost in the calendar month (UTC).
 */

const spend = {
  monthlyBudgetUsd: z.string().openapi({ description: "USD per calendar month (UTC)" }),
  spentUsd: z.string().openapi({ description: "Estimated cost of this month's decisions made with it" }),
  remainingUsd: z
    .string()
    .openapi({ description: "Budget left this month; 0 once spent (reviews then use the built-in strategy)" }),
};

export const AdminAiKeyShare = z
  .object({
    id: z.string(),
    provider: AiProvider,
    baseUrl: z.string().nullable(),
    userId: z.string(),
    email: z.string(),
    ...spend,
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi("AdminAiKeyShare", { description: "One of your AI keys shared with a user" });
export type AdminAiKeyShare = z.infer<typeof AdminAiKeyShare>;

export const AdminAiKeyShareList = z.object({ shares: z.array(AdminAiKeyShare) }).openapi("AdminAiKeyShareList");

export const ShareAiKey = z
  .object({
    provider: AiProvider.openapi({ description: "Which of your AI keys to share" }),
    email: z.email().max(254).openapi({ description: "The user's sign-in email" }),
    monthlyBudgetUsd: UsdAmount,
  })
  .openapi("ShareAiKey", { description: "Share your key with a user, or change the budget of an existing share" });
export type ShareAiKey = z.infer<typeof ShareAiKey>;

export const SharedAiKey = z
  .object({
    id: z.string().openapi({ description: "Use it as a portfolio's `decisionSource.sharedKeyId`" }),
    provider: AiProvider,
    ...spend,
  })
  .openapi("SharedAiKey", { description: "An AI key an administrator shared with you; the key itself is never shown" });
export type SharedAiKey = z.infer<typeof SharedAiKey>;

export const SharedAiKeyList = z.object({ keys: z.array(SharedAiKey) }).openapi("SharedAiKeyList");
