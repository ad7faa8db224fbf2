import { api, describeError, errorCode } from "#lib/api/client.ts";

/**
 * Sensitive actions (keys, API tokens, turning 2FA off) answer 403 `two_factor_required` when 2FA is on and the
 * session has not confirmed a code lately. The gate asks for a code once, confirms it, and repeats the action.
 */
export const twoFactorGate = $state({ open: false, busy: false, error: null as string | null });

let answer: ((code: string | null) => void) | null = null;

/** Opens the prompt, or keeps it open after a wrong code so its message stays visible. */
function askForCode(): Promise<string | null> {
  if (!twoFactorGate.open) {
    twoFactorGate.open = true;
    twoFactorGate.error = null;
  }
  return new Promise((resolve) => {
    answer = resolve;
  });
}

/** Called by the prompt: a code to try, or null when the person cancels. */
export function answerTwoFactor(code: string | null): void {
  answer?.(code);
}

function closeGate(): void {
  answer = null;
  twoFactorGate.open = false;
  twoFactorGate.busy = false;
  twoFactorGate.error = null;
}

type Outcome = { data?: unknown; error?: unknown };

export async function withTwoFactor<R extends Outcome>(action: () => Promise<R>): Promise<R> {
  const first = await action();
  if (errorCode(first.error) !== "two_factor_required") return first;
  for (;;) {
    const code = await askForCode();
    if (code === null) {
      closeGate();
      return first;
    }
    twoFactorGate.busy = true;
    const failure = await confirmCode(code);
    twoFactorGate.busy = false;
    if (failure === null) {
      closeGate();
      return action();
    }
    twoFactorGate.error = failure;
  }
}

async function confirmCode(code: string): Promise<string | null> {
  try {
    const { error } = await api.POST("/api/auth/2fa/verify", { body: { code } });
    return error === undefined ? null : describeError(error);
  } catch (err) {
    return describeError(err);
  }
}
