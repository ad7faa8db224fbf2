import type { AiProvider } from "../../shared/api/keys.ts";
import { ApiError } from "../http/api-error.ts";

/**
 * A stored key whose sealed secret cannot be opened: the record was damaged, or it was sealed under a master secret
 * this server does not hold (or holds wrongly). Only its owner can fix that, by entering the key again, so whatever
 * needs it answers 424 with a stable code instead of a 500. The message names the key, never any of its secret.
 */
const WHY = "it was damaged, or sealed with a master key this server does not have";

export function exchangeKeyUnreadable(label: string): ApiError {
  return new ApiError(
    "key_unreadable",
    `The exchange key "${label}" cannot be decrypted on this server (${WHY}). Enter it again: replace it on the Keys page.`,
    { status: 424 },
  );
}

export function aiKeyUnreadable(provider: AiProvider): ApiError {
  const name = provider === "openai" ? "OpenAI" : "Groq";
  return new ApiError(
    "ai_key_unreadable",
    `Your ${name} key cannot be decrypted on this server (${WHY}). Enter it again on the Keys page.`,
    { status: 424 },
  );
}

/** The authenticator secret: recovery codes do not need it, so they are the way back in. */
export function totpSecretUnreadable(): ApiError {
  return new ApiError(
    "two_factor_unreadable",
    `Your authenticator secret cannot be decrypted on this server (${WHY}). Use a recovery code instead, then set up two-factor authentication again.`,
    { status: 424 },
  );
}
