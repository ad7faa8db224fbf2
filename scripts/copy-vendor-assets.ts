// Copies third-party browser bundles the worker serves itself (so /api/docs works offline) into the SPA build.
import { copyFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);
const scalarEntry = require.resolve("@scalar/api-reference");
const scalarBrowser = path.join(scalarEntry.slice(0, scalarEntry.lastIndexOf("/dist/")), "dist/browser/standalone.js");
const target = new URL("../web/build/vendor/scalar/", import.meta.url);
mkdirSync(target, { recursive: true });
copyFileSync(scalarBrowser, new URL("standalone.js", target));
console.log(`copied Scalar bundle to ${target.pathname}`);
