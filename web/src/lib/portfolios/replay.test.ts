import { describe, expect, it } from "vitest";
import { emptyReplayForm, replayRequest } from "./replay.ts";

describe("replay request", () => {
  it("sends only the source when nothing else is filled in", () => {
    expect(replayRequest(emptyReplayForm(), "spot")).toEqual({ source: "recorded" });
  });

  it("sends what was filled in, trimmed, and leaves futures limits out of a spot review", () => {
    const form = {
      ...emptyReplayForm(),
      source: "builtin" as const,
      maxOrderPct: " 5 ",
      maxExposurePct: "200",
      maxLeverage: "3",
      instructions: "Be careful.",
    };
    expect(replayRequest(form, "spot")).toEqual({ source: "builtin", maxOrderPct: "5", instructions: "Be careful." });
    expect(replayRequest(form, "futures")).toEqual({
      source: "builtin",
      maxOrderPct: "5",
      maxExposurePct: "200",
      maxLeverage: 3,
      instructions: "Be careful.",
    });
  });
});
