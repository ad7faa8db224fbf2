import type { RunStep } from "#lib/api/client.ts";

/** The journal steps of a review in the order it goes through them (`approval` only in manual-approval mode). */
const ORDER = [
  "cancel",
  "snapshot",
  "decide",
  "plan",
  "approval",
  "place",
  "reconcile",
  "record",
] as const satisfies readonly RunStep[];
export const REVIEW_STEPS: readonly RunStep[] = ORDER;

// The order is the UI's to show, but the steps are the API's: a step the API adds fails this check until it is placed.
type Unplaced = Exclude<RunStep, (typeof ORDER)[number] | "done">;
export const everyStepPlaced: [Unplaced] extends [never] ? true : Unplaced = true;

export const isReviewStep = (step: string): step is RunStep => (REVIEW_STEPS as readonly string[]).includes(step);
