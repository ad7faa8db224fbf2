import type { TokenScope } from "../../shared/api/auth.ts";
import type { ExchangeKeyVerifier } from "../keys/exchange-key-verifier.ts";
import type { PortfolioControl } from "../keys/portfolio-control.ts";
import type { Jwks } from "./google-id-token.ts";

export type PrincipalUser = {
  id: string;
  email: string;
  role: "user" | "admin";
  twoFactorEnabled: boolean;
};

/** Who is calling: a browser session (cookie) or a personal API token (Bearer). */
export type Principal =
  | { kind: "session"; user: PrincipalUser; sessionId: string; elevatedUntil: Date | null }
  | { kind: "token"; user: PrincipalUser; tokenId: string; scopes: TokenScope[] };

/** The outside world identity code talks to, injectable so tests can use fixed clocks and local keys. */
export type IdentityDeps = {
  now: () => Date;
  /** Google's signing keys; `refresh` asks for a fresh copy (an unknown `kid` after Google rotated keys). */
  googleJwks: (url: string, refresh: boolean) => Promise<Jwks>;
  verifyExchangeKey: ExchangeKeyVerifier;
  /** Outbound HTTP for key checks against the configured AI providers. */
  outboundFetch: typeof fetch;
  portfolios: PortfolioControl;
};
