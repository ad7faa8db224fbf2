/**
 * zod for schemas that describe themselves with `.openapi()`. @hono/zod-openapi adds that method to zod's schemas when
 * it loads; importing it here loads it before any such schema is built, whichever module imports the schema first
 * (a route, a service, a test). Import as a namespace, like zod itself (`import * as z from "./zod.ts"`): why is in
 * worker/zod-entry.ts.
 */
import "@hono/zod-openapi";

export * from "zod";
