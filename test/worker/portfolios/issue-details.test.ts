import { describe, expect, it } from "vitest";
import { accountsApp, errorOf, trader } from "../accounts/support.ts";
import { futuresPortfolio, spotPortfolio } from "./support.ts";

/**
 * What a client needs to word a refusal itself, next to the field: each issue's path, zod code or rule, and the
 * bounds, with a plain English message (never zod's "Too small: expected string to have >=1 characters").
 */
describe("validation issues in the error body", () => {
  async function issuesOf(body: Record<string, unknown>) {
    const app = accountsApp();
    const { user, keyId } = await trader(app, "bybit");
    const reply = await user.post("/api/portfolios", { ...futuresPortfolio(keyId), ...body, exchangeKeyId: keyId });
    expect(reply.status, reply.text).toBe(400);
    const error = errorOf(reply);
    expect(error.code).toBe("validation_failed");
    return { message: error.message, issues: (error.details as { issues: Record<string, unknown>[] }).issues };
  }

  it("carries zod's code and bounds with a plain message", async () => {
    const { message, issues } = await issuesOf({ name: "", tokens: [{ token: "SOL", minAllocation: 101 }] });
    expect(issues).toEqual(
      expect.arrayContaining([
        {
          path: "json.name",
          code: "too_small",
          message: "must not be empty",
          params: { minimum: 1, inclusive: true, origin: "string" },
        },
        {
          path: "json.tokens.0.minAllocation",
          code: "too_big",
          message: "must be at most 100",
          params: { maximum: 100, inclusive: true, origin: "number" },
        },
      ]),
    );
    expect(message).toBe("json.name: must not be empty; json.tokens.0.minAllocation: must be at most 100");
    expect(message).not.toMatch(/Too small|Too big|expected/);
  });

  it("says a missing field is required and a wrong value lists the accepted ones", async () => {
    const { issues } = await issuesOf({ reviewInterval: "2h", name: undefined });
    expect(issues).toEqual(
      expect.arrayContaining([
        {
          path: "json.name",
          code: "invalid_type",
          message: "is required",
          params: { expected: "string", missing: true },
        },
        expect.objectContaining({ path: "json.reviewInterval", code: "invalid_value" }),
      ]),
    );
    const interval = issues.find((i) => i.path === "json.reviewInterval");
    expect(interval?.message).toBe("must be one of: 10m, 15m, 30m, 1h, 4h, 12h, 1d, 3d, 1w");
    expect(interval?.params).toMatchObject({ values: "10m, 15m, 30m, 1h, 4h, 12h, 1d, 3d, 1w" });
  });

  it("names the cross-field allocation rules with a stable rule and the bound", async () => {
    const { issues } = await issuesOf({
      tokens: [{ token: "SOL", minAllocation: 20, targetAllocation: 10, maxAllocation: 5 }],
    });
    expect(issues).toEqual([
      {
        path: "json.tokens.0.targetAllocation",
        code: "custom",
        rule: "target_below_min",
        message: "must be at least the minimum allocation (20%)",
        params: { minimum: 20 },
      },
      {
        path: "json.tokens.0.maxAllocation",
        code: "custom",
        rule: "max_below_target",
        message: "must be at least the target (or minimum) allocation (10%)",
        params: { minimum: 10 },
      },
    ]);
  });

  it("refuses a futures exposure above what the maximum leverage can reach", async () => {
    const { message, issues } = await issuesOf({ risk: { maxExposurePct: "1000" } });
    expect(issues).toEqual([
      {
        path: "risk.maxExposurePct",
        code: "custom",
        rule: "exposure_over_leverage",
        message: "must be at most 500% (the maximum leverage 5x × 100%); raise the leverage or lower the exposure.",
        params: { maximum: 500, leverage: 5 },
      },
    ]);
    expect(message).toContain("risk.maxExposurePct: must be at most 500%");
  });

  it("accepts an exposure the leverage can reach, and names a service rule (sum of minimums)", async () => {
    const app = accountsApp();
    const { user, keyId } = await trader(app, "bybit");
    const ok = await user.post("/api/portfolios", futuresPortfolio(keyId, { risk: { maxExposurePct: "500" } }));
    expect(ok.status, ok.text).toBe(200);
    const over = await user.post(
      "/api/portfolios",
      spotPortfolio(keyId, {
        tokens: [
          { token: "BTC", minAllocation: 60 },
          { token: "ETH", minAllocation: 50 },
        ],
      }),
    );
    expect(over.status).toBe(400);
    expect((errorOf(over).details as { issues: unknown[] }).issues).toEqual([
      {
        path: "tokens",
        code: "custom",
        rule: "minimums_over_100",
        message: "the minimum allocations add up to 110%; they may total at most 100%.",
        params: { total: "110" },
      },
    ]);
  });
});
