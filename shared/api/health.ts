import * as z from "./zod.ts";

export const HealthStatus = z
  .object({
    status: z.enum(["ok", "degraded"]),
    version: z.string(),
    time: z.string().datetime().openapi({ description: "Server time, ISO 8601 UTC" }),
    database: z.object({
      reachable: z.boolean(),
      latencyMs: z.number().nullable(),
    }),
    lastCronAt: z.string().datetime().nullable().openapi({ description: "When the scheduled sweeper last ran" }),
    adminsConfigured: z.boolean().openapi({
      description: "False when ADMIN_EMAILS is empty: then nobody is an administrator (being first grants nothing)",
    }),
  })
  .openapi("Health");
export type HealthStatus = z.infer<typeof HealthStatus>;
