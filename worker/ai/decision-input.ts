/** The decision input's shapes live in shared/api (the run API answers them); the AI layer reads them from here. */
export * from "../../shared/api/decision-input.ts";
