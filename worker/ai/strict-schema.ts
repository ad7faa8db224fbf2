import * as z from "zod";

/**
 * OpenAI's (and Groq's) structured-output strict mode accepts a subset of JSON Schema: every object lists all of
 * its properties as required and sets `additionalProperties: false`; optional values are expressed as nullable
 * (`type: [T, "null"]`). Keywords outside the supported subset make the request fail with 400, so the model-facing
 * schema is generated from the zod schema and then stripped to that subset (length limits are enforced after
 * parsing instead).
 */

type JsonSchema = { [key: string]: unknown };

const SUPPORTED_KEYWORDS = new Set([
  "type",
  "properties",
  "required",
  "additionalProperties",
  "items",
  "anyOf",
  "enum",
  "const",
  "description",
  "minimum",
  "maximum",
  "minItems",
  "maxItems",
  "pattern",
]);

/** The strict-mode JSON Schema of a zod schema (objects, arrays, enums, nullable, unions of objects). */
export function strictJsonSchema(schema: z.ZodType): JsonSchema {
  return prune(z.toJSONSchema(schema, { target: "draft-2020-12", io: "output" })) as JsonSchema;
}

function prune(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(prune);
  if (node === null || typeof node !== "object") return node;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (!SUPPORTED_KEYWORDS.has(key)) continue;
    // `properties` maps names to schemas: keep every name, prune each schema.
    out[key] =
      key === "properties"
        ? Object.fromEntries(Object.entries(value as JsonSchema).map(([name, child]) => [name, prune(child)]))
        : prune(value);
  }
  return out;
}

/** Every strict-mode rule the schema breaks, with its JSON path; empty when the provider will accept it. */
export function strictSchemaViolations(schema: unknown, path = "$"): string[] {
  if (schema === null || typeof schema !== "object") return [`${path}: not a schema object`];
  const node = schema as JsonSchema;
  const problems: string[] = [];
  for (const key of Object.keys(node)) {
    if (!SUPPORTED_KEYWORDS.has(key)) problems.push(`${path}: unsupported keyword "${key}"`);
  }
  if (path === "$" && node.type !== "object") problems.push("$: the root must be an object");
  const types = Array.isArray(node.type) ? node.type : [node.type];
  if (types.includes("object")) {
    const properties = (node.properties ?? {}) as JsonSchema;
    const names = Object.keys(properties);
    const required = Array.isArray(node.required) ? (node.required as string[]) : [];
    if (node.additionalProperties !== false) problems.push(`${path}: additionalProperties must be false`);
    for (const name of names) {
      if (!required.includes(name)) problems.push(`${path}.${name}: must be required (use nullable for optional)`);
      problems.push(...strictSchemaViolations(properties[name], `${path}.${name}`));
    }
    for (const name of required) if (!names.includes(name)) problems.push(`${path}: requires unknown "${name}"`);
  }
  if (node.items !== undefined) problems.push(...strictSchemaViolations(node.items, `${path}[]`));
  if (Array.isArray(node.anyOf)) {
    node.anyOf.forEach((branch, i) => {
      problems.push(...strictSchemaViolations(branch, `${path}|${i}`));
    });
  }
  if (node.type === undefined && node.anyOf === undefined && node.enum === undefined && node.const === undefined)
    problems.push(`${path}: no type`);
  return problems;
}
