/**
 * Reading the app's own OpenAPI document in tests that cover every route, including ones added later: the operations,
 * their parameters and request bodies, with `$ref`s resolved.
 */

export type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  required?: string[];
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  additionalProperties?: boolean | JsonSchema;
};

export type Parameter = {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required?: boolean;
  schema: JsonSchema;
};

type RawOperation = {
  security?: Record<string, string[]>[];
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema: JsonSchema }> };
};

export type OpenApiDocument = {
  paths: Record<string, Record<string, RawOperation>>;
  components: { schemas: Record<string, JsonSchema> };
};

export type Operation = {
  method: string;
  template: string;
  /** Empty for public routes. */
  security: Record<string, string[]>[];
  parameters: Parameter[];
  /** The JSON request body's schema, resolved; null when the route takes no body. */
  body: JsonSchema | null;
};

export function operations(doc: OpenApiDocument): Operation[] {
  return Object.entries(doc.paths).flatMap(([template, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      method: method.toUpperCase(),
      template,
      security: op.security ?? [],
      parameters: (op.parameters ?? []).map((p) => ({ ...p, schema: resolve(doc, p.schema) })),
      body: op.requestBody ? resolve(doc, op.requestBody.content["application/json"]?.schema ?? {}) : null,
    })),
  );
}

/** Follows `$ref`s (and merges `allOf`) so callers see plain schemas. */
export function resolve(doc: OpenApiDocument, schema: JsonSchema): JsonSchema {
  if (schema.$ref) {
    const name = schema.$ref.replace("#/components/schemas/", "");
    const target = doc.components.schemas[name];
    if (!target) throw new Error(`unknown schema ${schema.$ref}`);
    return resolve(doc, { ...target, ...withoutRef(schema) });
  }
  if (schema.allOf) {
    const merged: JsonSchema = { ...schema, allOf: undefined, properties: {}, required: [] };
    for (const part of schema.allOf.map((each) => resolve(doc, each))) {
      Object.assign(merged.properties ?? {}, part.properties);
      merged.required?.push(...(part.required ?? []));
      Object.assign(merged, { ...part, properties: merged.properties, required: merged.required });
    }
    return merged;
  }
  return schema;
}

function withoutRef({ $ref: _ref, ...rest }: JsonSchema): JsonSchema {
  return rest;
}

/** The branches a value may take: the schema itself, or each `anyOf`/`oneOf` alternative, resolved. */
export function alternatives(doc: OpenApiDocument, schema: JsonSchema): JsonSchema[] {
  const resolved = resolve(doc, schema);
  const branches = resolved.anyOf ?? resolved.oneOf;
  return branches ? branches.flatMap((branch) => alternatives(doc, branch)) : [resolved];
}

export function types(schema: JsonSchema): string[] {
  if (schema.type === undefined) return [];
  return Array.isArray(schema.type) ? schema.type : [schema.type];
}
