import createClient from "openapi-fetch";
import { isLocale, type Locale, translate } from "#lib/i18n/translate.ts";
import type { components, paths } from "./schema";

/** The only way the UI talks to the worker: typed from the OpenAPI document (`npm run api:generate`). */
export const api = createClient<paths>({ baseUrl: globalThis.location?.origin ?? "http://127.0.0.1:8787" });

type Schemas = components["schemas"];
export type ApiError = Schemas["Error"];
export type ValidationIssue = Schemas["ValidationIssue"];
export type Health = Schemas["Health"];
export type User = Schemas["User"];
export type Me = Schemas["Me"];
export type Session = Schemas["Session"];
export type ApiToken = Schemas["ApiToken"];
export type TokenScope = Schemas["TokenScope"];
export type TwoFactorStatus = Schemas["TwoFactorStatus"];
export type Venue = Schemas["Venue"];
export type ExchangeEnvironment = Schemas["ExchangeEnvironment"];
export type ExchangeKey = Schemas["ExchangeKey"];
export type AiProvider = Schemas["AiProvider"];
export type AiKey = Schemas["AiKey"];
export type AdminAiKeyShare = Schemas["AdminAiKeyShare"];
export type SharedAiKey = Schemas["SharedAiKey"];
export type NotificationChannel = Schemas["NotificationChannel"];
export type NotificationChannelKind = Schemas["NotificationChannelKind"];
export type NotificationEvent = Schemas["NotificationEvent"];
export type NotificationLanguage = Schemas["NotificationLanguage"];
export type NotificationDelivery = Schemas["NotificationDelivery"];
export type AdminUser = Schemas["AdminUser"];
export type AdminUserPage = Schemas["AdminUserPage"];
export type MarketType = Schemas["MarketType"];
export type ExchangeCapabilities = Schemas["ExchangeCapabilities"];
export type Market = Schemas["Market"];
export type Balances = Schemas["Balances"];
export type ValuedBalance = Schemas["ValuedBalance"];
export type FuturesWallet = Schemas["FuturesWallet"];
export type Position = Schemas["Position"];
export type Order = Schemas["Order"];
export type AiInstructions = Schemas["AiInstructions"];
export type AiModel = Schemas["AiModel"];
export type Portfolio = Schemas["Portfolio"];
export type PortfolioListItem = Schemas["PortfolioListItem"];
export type PortfolioGlance = Schemas["PortfolioGlance"];
export type PortfolioMarket = Schemas["PortfolioMarket"];
export type PortfolioStatus = Schemas["PortfolioStatus"];
export type PortfolioAlert = Schemas["PortfolioAlert"];
export type PortfolioToken = Schemas["PortfolioToken"];
export type PortfolioPerformance = Schemas["PortfolioPerformance"];
export type PortfolioFuturesSettings = Schemas["PortfolioFuturesSettings"];
export type PortfolioRiskLimits = Schemas["PortfolioRiskLimits"];
export type PortfolioActionResult = Schemas["PortfolioActionResult"];
export type CashToken = Schemas["CashToken"];
export type ReviewInterval = Schemas["ReviewInterval"];
export type DecisionSource = Schemas["DecisionSource"];
export type ReasoningEffort = Schemas["ReasoningEffort"];
export type ExecutionMode = Schemas["ExecutionMode"];
export type CreatePortfolio = Schemas["CreatePortfolio"];
export type UpdatePortfolio = Schemas["UpdatePortfolio"];
export type RunSummary = Schemas["RunSummary"];
export type RunDetail = Schemas["RunDetail"];
export type RunDecision = NonNullable<RunSummary["decision"]>;
export type RunDecisionInput = NonNullable<RunDetail["input"]>;
export type RunStatus = Schemas["RunStatus"];
export type RunStep = Schemas["RunStep"];
export type RunTrigger = Schemas["RunTrigger"];
export type RunUsage = NonNullable<Schemas["RunUsage"]>;
export type RunNote = Schemas["RunNote"];
export type EngineMessage = Schemas["EngineMessage"];
export type RunAiOptions = Schemas["RunAiOptions"];
export type RunFallback = Schemas["RunFallback"];
export type ReplayRequest = Schemas["ReplayRequest"];
export type ReplayResult = Schemas["ReplayResult"];
export type ReplayOrder = Schemas["ReplayOrder"];
export type ReplaySource = Schemas["ReplaySource"];
export type BacktestResult = Schemas["BacktestResult"];
export type BacktestTrade = Schemas["BacktestTrade"];
export type RunRequested = Schemas["RunRequested"];
export type ApprovalRequest = Schemas["ApprovalRequest"];
export type ApprovalItem = ApprovalRequest["decisions"][number];
export type PortfolioOrder = Schemas["PortfolioOrder"];
export type PortfolioOrderStatus = Schemas["PortfolioOrderStatus"];
export type PortfolioFill = Schemas["PortfolioFill"];
export type PortfolioPositions = Schemas["PortfolioPositions"];
export type Holding = Schemas["Holding"];
export type ConditionalOrder = Schemas["ConditionalOrder"];
export type EquityCurve = Schemas["EquityCurve"];
export type EquityPoint = Schemas["EquityPoint"];
export type Allocation = Schemas["Allocation"];
export type AllocationItem = Schemas["AllocationItem"];

/** A message for people from whatever the call failed with (error envelope, network failure). */
export function describeError(error: unknown): string {
  const wait = retryAfterSeconds(error);
  if (wait !== null) return translate(pageLocale(), "common.rateLimited", { seconds: wait });
  if (error && typeof error === "object" && "error" in error) {
    const envelope = (error as ApiError).error;
    if (envelope?.message) return envelope.message;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

/** The page's language (the layout keeps `<html lang>` in step with the reader's choice); English outside a page. */
function pageLocale(): Locale {
  const lang = globalThis.document?.documentElement.lang;
  return isLocale(lang) ? lang : "en";
}

/** For a 429 `rate_limited` answer, the seconds its Retry-After asked to wait; null for anything else. */
export function retryAfterSeconds(error: unknown): number | null {
  if (errorCode(error) !== "rate_limited") return null;
  const details = (error as ApiError).error.details as { retryAfterSeconds?: unknown } | undefined;
  const seconds = details?.retryAfterSeconds;
  return typeof seconds === "number" && Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds) : 1;
}

/** The envelope's machine-readable code (`validation_failed`, `two_factor_required`, …), if there is one. */
export function errorCode(error: unknown): string | null {
  if (error && typeof error === "object" && "error" in error) {
    const code = (error as ApiError).error?.code;
    if (typeof code === "string") return code;
  }
  return null;
}
