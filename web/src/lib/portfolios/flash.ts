/**
 * A message for the page a portfolio action leads to, carried in SvelteKit's page state (`goto(url, { state })`),
 * so it survives the navigation but not a reload. Only the facts travel; the page words them in its language.
 */
export type PortfolioFlash =
  | { kind: "created" | "saved" | "unchanged" | "started" | "deleted"; name: string }
  | { kind: "startFailed"; name: string; message: string };
