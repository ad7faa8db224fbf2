import { type Column, getTableColumns, getTableName, type Table } from "drizzle-orm";

/**
 * Rows of the schema's tables over the D1 binding itself, for hot paths (a portfolio's review): drizzle's query
 * builder spends more CPU building a statement than the database spends running it, so these statements are plain
 * SQL with `?` parameters, while column names, value encoding (dates, booleans) and decoding still come from the
 * drizzle schema, so rows read here are the same `$inferSelect` objects drizzle answers. Every statement can go into
 * one `d1.batch`, which is one round trip and atomic. No business rules here.
 */

type Shape = {
  name: string;
  /** [property, column] in schema order. */
  columns: [string, Column][];
  byKey: Map<string, Column>;
  /** Column name → [property, column]. */
  byName: Map<string, [string, Column]>;
  /** Column names of the inserted columns, quoted and joined, and their placeholders. */
  insertList: string;
  insertPlaceholders: string;
};

const shapes = new WeakMap<Table, Shape>();

function shapeOf(table: Table): Shape {
  let shape = shapes.get(table);
  if (shape) return shape;
  const columns = Object.entries(getTableColumns(table) as Record<string, Column>);
  shape = {
    name: getTableName(table),
    columns,
    byKey: new Map(columns),
    byName: new Map(columns.map(([key, column]) => [column.name, [key, column]])),
    insertList: columns.map(([, column]) => quote(column.name)).join(", "),
    insertPlaceholders: columns.map(() => "?").join(", "),
  };
  shapes.set(table, shape);
  return shape;
}

const quote = (name: string) => `"${name}"`;

type Row<T extends Table> = T["$inferSelect"];
type NewRow<T extends Table> = T["$inferInsert"];

/** A SELECT list of the table's columns (or only `keys`), each named as `readRow` expects. */
export function columnList<T extends Table>(table: T, keys?: readonly (keyof Row<T> & string)[]): string {
  const shape = shapeOf(table);
  const chosen = keys ? keys.map((key) => [key, columnOf(shape, key)] as const) : shape.columns;
  return chosen.map(([, column]) => quote(column.name)).join(", ");
}

function columnOf(shape: Shape, key: string): Column {
  const column = shape.byKey.get(key);
  if (!column) throw new Error(`${shape.name} has no column ${key}`);
  return column;
}

/**
 * One row as D1 answers it (column name → value), decoded as drizzle would: only the columns it holds (a name that
 * is not one of the table's columns is left out).
 */
export function readRow<T extends Table>(table: T, raw: Record<string, unknown>): Row<T> {
  const { byName } = shapeOf(table);
  const row: Record<string, unknown> = {};
  for (const name in raw) {
    const entry = byName.get(name);
    if (!entry) continue;
    const value = raw[name];
    row[entry[0]] = value === null || value === undefined ? null : entry[1].mapFromDriverValue(value);
  }
  return row as Row<T>;
}

/** The rows of one statement's result (of `all()` or of one entry of a batch). */
export function readRows<T extends Table>(table: T, result: D1Result<unknown> | undefined): Row<T>[] {
  return ((result?.results ?? []) as Record<string, unknown>[]).map((raw) => readRow(table, raw));
}

function encode(column: Column, value: unknown): unknown {
  return value === null || value === undefined ? null : column.mapToDriverValue(value);
}

/**
 * `UPDATE <table> SET <changes> WHERE <where>`; keys whose value is undefined are left alone, as drizzle's `set()`
 * does. `where` is SQL with `?` for `params`.
 */
export function updateStatement<T extends Table>(
  d1: D1Database,
  table: T,
  changes: Partial<NewRow<T>>,
  where: string,
  ...params: unknown[]
): D1PreparedStatement {
  const shape = shapeOf(table);
  const sets: string[] = [];
  const values: unknown[] = [];
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    const column = columnOf(shape, key);
    sets.push(`${quote(column.name)} = ?`);
    values.push(encode(column, value));
  }
  if (sets.length === 0) throw new Error(`nothing to update in ${shape.name}`);
  return d1.prepare(`UPDATE ${quote(shape.name)} SET ${sets.join(", ")} WHERE ${where}`).bind(...values, ...params);
}

/**
 * One INSERT per row (a batch keeps them atomic, and D1 allows 100 parameters per statement, fewer than a few rows
 * of a wide table), every column given as drizzle gives it: a missing value takes the column's default, else null.
 * `tail` follows the values, e.g. `ON CONFLICT DO NOTHING`.
 */
export function insertStatements<T extends Table>(
  d1: D1Database,
  table: T,
  rows: NewRow<T>[],
  tail = "",
): D1PreparedStatement[] {
  const shape = shapeOf(table);
  const sql = d1.prepare(
    `INSERT INTO ${quote(shape.name)} (${shape.insertList}) VALUES (${shape.insertPlaceholders}) ${tail}`.trim(),
  );
  return rows.map((row) => {
    const record = row as Record<string, unknown>;
    return sql.bind(
      ...shape.columns.map(([key, column]) =>
        encode(column, record[key] === undefined ? defaultOf(column) : record[key]),
      ),
    );
  });
}

/** A new row as `insertStatements` saves it: what it leaves out at the column's default, else null. */
export function rowAsSaved<T extends Table>(table: T, row: NewRow<T>): Row<T> {
  const record = row as Record<string, unknown>;
  const saved: Record<string, unknown> = {};
  for (const [key, column] of shapeOf(table).columns)
    saved[key] = record[key] === undefined ? defaultOf(column) : record[key];
  return saved as Row<T>;
}

function defaultOf(column: Column): unknown {
  if (column.default !== undefined && column.default !== null) return column.default;
  return column.defaultFn?.() ?? null;
}

/** Runs the statements as one batch (one round trip, atomic); nothing to run costs nothing. */
export async function saveAll(d1: D1Database, statements: D1PreparedStatement[]): Promise<void> {
  if (statements.length > 0) await d1.batch(statements);
}

/** The first row of one statement's result, as D1 answered it. */
export function firstRaw(result: D1Result<unknown> | undefined): Record<string, unknown> | undefined {
  return result?.results?.[0] as Record<string, unknown> | undefined;
}
