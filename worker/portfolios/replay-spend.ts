import type { AiProvider } from "../../shared/api/keys.ts";
import type { TokenUsage } from "../ai/provider.ts";
import type { Database } from "../db/client.ts";
import { aiReplaySpend } from "../db/schema.ts";

/**
 * The cost of one what-if replay decided by the portfolio's AI, kept so that the month's spend (run-store.ts
 * aiSpendStatement, ai-key-shares.ts shareSpendStatement) counts it toward the portfolio's cap and the shared key's
 * budget like a review's. Kept for failed answers too: their tokens were billed.
 */
export async function recordReplaySpend(
  db: Database,
  spend: {
    portfolioId: string;
    runId: string;
    shareId: string | null;
    requestedAt: Date;
    provider: AiProvider;
    model: string;
    usage: TokenUsage;
  },
): Promise<void> {
  const { costUsd, ...tokens } = spend.usage;
  await db.insert(aiReplaySpend).values({
    id: crypto.randomUUID(),
    portfolioId: spend.portfolioId,
    runId: spend.runId,
    aiShareId: spend.shareId,
    requestedAt: spend.requestedAt,
    provider: spend.provider,
    model: spend.model,
    usage: JSON.stringify(tokens),
    costUsd,
  });
}
