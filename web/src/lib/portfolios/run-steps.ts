import type { RunStep } from "#lib/api/client.ts";

/** The journal steps of a review in the order it goes through them (`approval` only in manual-approval mode). */
export const REVIEW_STEPS: readonly RunStep[] = [
  "cancel",
  "snapshot",
  "decide",
  "plan",
  "approval",
  "place",
  "reconcile",
  "record",
];

export const isReviewStep = (step: string): step is RunStep => (REVIEW_STEPS as readonly string[]).includes(step);
