// The D1 binding's types as the worker's statement builders name them, for the Node programs that run those builders
// (bench/trade-window.ts): the worker's generated runtime types (worker/env.d.ts) clash with Node's, so they are not
// part of this project. Same shapes as there, trimmed to what the builders use.
type D1Result<T = unknown> = { success: true; meta: Record<string, unknown>; results: T[] };

declare abstract class D1PreparedStatement {
  bind(...values: unknown[]): D1PreparedStatement;
  first<T = Record<string, unknown>>(): Promise<T | null>;
  run<T = Record<string, unknown>>(): Promise<D1Result<T>>;
  all<T = Record<string, unknown>>(): Promise<D1Result<T>>;
  raw<T = unknown[]>(): Promise<T[]>;
}

declare abstract class D1Database {
  prepare(query: string): D1PreparedStatement;
  batch<T = unknown>(statements: D1PreparedStatement[]): Promise<D1Result<T>[]>;
}
