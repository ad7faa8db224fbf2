/** English copy: the source catalog. Every other catalog must have exactly these keys. */
export const en = {
  "app.name": "Ballast",
  "app.tagline": "Autopilot for crypto portfolios",
  "nav.dashboard": "Dashboard",
  "nav.apiDocs": "API reference",
  "nav.mainLabel": "Main navigation",
  "lang.label": "Language",
  "health.title": "Service status",
  "health.loading": "Checking the service…",
  "health.ok": "All systems operational",
  "health.degraded": "Degraded: the database is not reachable",
  "health.failed": "Could not reach the API: {message}",
  "health.retry": "Retry",
  "health.version": "Version",
  "health.serverTime": "Server time",
  "health.database": "Database",
  "health.databaseOk": "reachable ({ms} ms)",
  "health.databaseDown": "not reachable",
  "health.lastCron": "Last scheduled sweep",
  "health.never": "never",
} as const;

export type MessageKey = keyof typeof en;
