/**
 * What `import … from "zod"` resolves to in the Worker: wrangler.toml's `[alias]` points "zod" here for
 * `wrangler deploy`, `wrangler dev` and the engine bench, and vitest.config.ts applies the same alias to the worker
 * tests.
 *
 * zod's own entry also exports `z`, one object holding all of zod: every locale's error messages (64 files,
 * ~258 KiB), the JSON Schema importer, the schema compiler. @hono/zod-openapi imports that object to add `.openapi()`
 * to `z.ZodType.prototype` (`extendZodWithOpenApi(z)`), and an object handed to a function is kept whole, so the
 * bundle carried all of zod. Here every named export is zod's own and `z` holds only `ZodType`, the one member that
 * call reads: code importing zod as a namespace (`import * as z from "zod"`) keeps what it uses, and zod's default
 * English messages stay (zod installs them when it loads).
 *
 * So nothing may use that `z`, nor @hono/zod-openapi's re-export of it: biome.json's noRestrictedImports names both
 * (a default import of zod fails the build: there is none here). When upgrading @hono/zod-openapi, check that it
 * still reads nothing else from `z`; the worker tests run through this module too.
 */
import { ZodType } from "zod/v4";

export * from "zod/v4";
export const z = { ZodType };
