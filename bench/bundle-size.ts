// The worker bundle exactly as `wrangler deploy --dry-run` builds it (wrangler.toml's minify and [alias]): its raw and
// gzip size, then what it is made of, from the esbuild metafile wrangler writes for that same build: minified bytes
// per package (node_modules) and per folder of the app's own code, the largest input files, and which of zod's
// locales made it in, what the app's own code and the packages compress to apart (cut along the source map), and what the
// bundle compresses to with every string and template text of the app's own code emptied, a floor that no rewording,
// translation moved out or description dropped can go below. Source maps are written beside the bundle and not counted.
// Goal: ≤ 130 KiB gzip.
//
//   npm run bench:bundle -- --top 15
import { readFileSync, rmSync } from "node:fs";
import { SourceMap } from "node:module";
import path from "node:path";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";
import ts from "typescript";
import { dryRun } from "./dry-run.ts";

/** The parts of esbuild's metafile read here; paths are relative to wrangler's working directory, the project root. */
type Metafile = { outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }> };

const ROOT = path.resolve(import.meta.dirname, "..");
const GOAL_KIB = 130;

const { values } = parseArgs({ options: { top: { type: "string", default: "15" } } });
const top = Number(values.top);

const outdir = path.join(ROOT, "dist/bundle");
rmSync(outdir, { recursive: true, force: true });
const wranglerOutput = await dryRun(outdir, { metafile: true });
const metafile = JSON.parse(readFileSync(path.join(outdir, "bundle-meta.json"), "utf8")) as Metafile;

let raw = 0;
let gzip = 0;
const inputs = new Map<string, number>();
// Every JavaScript output is a module of the Worker (one, index.js, unless something is split out).
for (const [file, output] of Object.entries(metafile.outputs)) {
  if (!/\.m?js$/.test(file)) continue;
  const bytes = readFileSync(path.resolve(ROOT, file));
  raw += bytes.length;
  gzip += gzipSync(bytes, { level: 9 }).length;
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    if (bytesInOutput > 0) inputs.set(input, (inputs.get(input) ?? 0) + bytesInOutput);
  }
}

const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
const row = (bytes: number, name: string) =>
  `  ${kib(bytes).padStart(10)} ${`${((100 * bytes) / raw).toFixed(1)} %`.padStart(7)}  ${name}`;

const verdict = gzip <= GOAL_KIB * 1024 ? "met" : "not met";
console.log(`\nworker bundle: ${kib(raw)} raw, ${kib(gzip)} gzip (goal ≤ ${GOAL_KIB} KiB gzip: ${verdict})`);
const wranglerTotal = /Total Upload: .*/.exec(wranglerOutput)?.[0];
if (wranglerTotal) console.log(`wrangler's own count: ${wranglerTotal}`);

const owners = new Map<string, number>();
let packageBytes = 0;
for (const [input, bytes] of inputs) {
  owners.set(owner(input), (owners.get(owner(input)) ?? 0) + bytes);
  if (input.includes("node_modules/")) packageBytes += bytes;
}
const inputBytes = [...inputs.values()].reduce((sum, bytes) => sum + bytes, 0);
console.log("\nminified bytes by package (node_modules) and by folder of the app's own code:");
for (const [name, bytes] of [...owners].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(row(bytes, name));
console.log(
  `  in all: packages ${kib(packageBytes)}, the app's own code ${kib(inputBytes - packageBytes)}, ` +
    `esbuild's module glue ${kib(raw - inputBytes)}`,
);

const bundleFile = path.join(outdir, "index.js");
const bundleText = readFileSync(bundleFile, "utf8");
const kindAt = sourceKinds(bundleFile);
const apart = splitBySource(bundleText, kindAt);
console.log(
  `  gzip of each apart: the app's own code ${kib(gzipSync(apart.app, { level: 9 }).length)}, ` +
    `packages ${kib(gzipSync(apart.packages, { level: 9 }).length)}`,
);
const textless = withoutAppText(bundleText, kindAt);
console.log(
  `  the bundle with the app's own ${kib(textless.emptied)} of string and template text emptied: ` +
    `${kib(gzipSync(textless.text, { level: 9 }).length)} gzip`,
);

console.log("\nlargest input files:");
for (const [input, bytes] of [...inputs].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(row(bytes, input));

const locales = [...inputs.keys()].flatMap(
  (input) => /node_modules\/zod\/.*\/locales\/([^/]+)\.js$/.exec(input)?.[1] ?? [],
);
console.log(`\nzod locales in the bundle: ${locales.filter((name) => name !== "index").join(", ") || "none"}`);

type Kind = "app" | "packages" | "glue";

/** What wrote each position of the bundle, read from its source map: the app's own files, packages, or esbuild's glue. */
function sourceKinds(bundleFile: string): (line: number, column: number) => Kind {
  const map = new SourceMap(JSON.parse(readFileSync(`${bundleFile}.map`, "utf8")));
  return (line, column) => {
    const entry = map.findEntry(line, column);
    const source = "originalSource" in entry ? entry.originalSource : "";
    if (source.includes("node_modules/")) return "packages";
    return /(^|\/)(worker|shared)\//.test(source) ? "app" : "glue";
  };
}

/**
 * The bundle's text cut in two along its source map: what came from the app's own files and what came from packages
 * (esbuild's glue, mapped to neither, is left out), each in bundle order, so each can be compressed on its own.
 */
function splitBySource(
  bundle: string,
  kindAt: (line: number, column: number) => Kind,
): { app: string; packages: string } {
  const parts = { app: "", packages: "", glue: "" };
  bundle.split("\n").forEach((text, line) => {
    let start = 0;
    let kind = kindAt(line, 0);
    for (let column = 1; column <= text.length; column++) {
      const next = column < text.length ? kindAt(line, column) : null;
      if (next === kind) continue;
      parts[kind] += text.slice(start, column);
      if (next) [start, kind] = [column, next];
    }
    parts[kind] += "\n";
  });
  return parts;
}

/**
 * The bundle with the text of every string literal and template that the app's own files wrote emptied (`"…"` → `""`,
 * a template keeps its `${}` holes), found by parsing the bundle, so quotes inside regular expressions are not taken
 * for strings. Messages, prompts, OpenAPI descriptions, SQL and object keys written as strings all go; what is left is
 * the code's structure and names. `emptied` is how many characters were taken out.
 */
function withoutAppText(
  bundle: string,
  kindAt: (line: number, column: number) => Kind,
): { text: string; emptied: number } {
  const source = ts.createSourceFile("index.js", bundle, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  const cuts: { start: number; end: number; keep: string }[] = [];
  const visit = (node: ts.Node): void => {
    const keep = emptied(node);
    if (keep !== undefined) {
      const start = node.getStart(source);
      const { line, character } = source.getLineAndCharacterOfPosition(start);
      if (kindAt(line, character) === "app") cuts.push({ start, end: node.end, keep });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  let text = "";
  let from = 0;
  let removed = 0;
  for (const cut of cuts.sort((a, b) => a.start - b.start)) {
    text += bundle.slice(from, cut.start) + cut.keep;
    removed += cut.end - cut.start - cut.keep.length;
    from = cut.end;
  }
  return { text: text + bundle.slice(from), emptied: removed };
}

/** What a literal with text in it is replaced by, or undefined for any other node. */
function emptied(node: ts.Node): string | undefined {
  if (ts.isStringLiteral(node)) return '""';
  if (ts.isNoSubstitutionTemplateLiteral(node)) return "``";
  if (ts.isTemplateHead(node)) return "`${";
  if (ts.isTemplateMiddle(node)) return "}${";
  if (ts.isTemplateTail(node)) return "}`";
  return undefined;
}

/** The package an input belongs to (`zod`, `@hono/zod-openapi`), or the folder of the app's own file (`worker/ai`). */
function owner(input: string): string {
  const parts = input.split("/");
  const name = parts.lastIndexOf("node_modules") + 1;
  if (name > 0) return parts.slice(name, parts[name]?.startsWith("@") ? name + 2 : name + 1).join("/");
  // worker/app.ts → worker; worker/exchanges/binance/rest.ts → worker/exchanges
  return parts.slice(0, Math.min(2, parts.length - 1)).join("/") || input;
}
