// Writes the worker's OpenAPI document to web/src/lib/api/openapi.json, the input of the typed web client.
import { writeFileSync } from "node:fs";

// Loaded by URL so the Node typecheck does not pull worker (workerd-typed) sources into its program.
const appModule = new URL("../worker/app.ts", import.meta.url).href;
const { createApp } = (await import(appModule)) as { createApp: () => { openApiDocument: () => unknown } };

const target = new URL("../web/src/lib/api/openapi.json", import.meta.url);
writeFileSync(target, `${JSON.stringify(createApp().openApiDocument(), null, 2)}\n`);
console.log(`wrote ${target.pathname}`);
